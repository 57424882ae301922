"""Reference data the demo draws from: industries, regions, branches and size bands.

Industry codes are real GB/T 4754-2017 classes (小类), weighted so that manufacturing (C)
and wholesale/retail (F) dominate as in a Chinese commercial bank's corporate book, with
a tail in every section A–S, including the classes the 2017 size standard treats
specially (53 rail and J finance are not covered, K 7010/7020 have their own thresholds,
G 591 装卸搬运 counts as transport and 592–599 as warehousing).

Size thresholds are not repeated here: the generator reads them from
:mod:`lendtag.domain.size`. This module only holds what a typical firm of each size-table
industry looks like (revenue per employee, asset intensity, balance-sheet mix).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

__all__ = [
    "BRANCHES",
    "INDUSTRIES",
    "INDUSTRY_CUM_WEIGHTS",
    "PERSON_AREAS",
    "PROFILES",
    "REGIONS",
    "REGION_CUM_WEIGHTS",
    "UNCOVERED",
    "Industry",
    "Profile",
    "Region",
]


@dataclass(frozen=True, slots=True)
class Profile:
    """What a typical firm of a size-table industry looks like (ratios, not thresholds)."""

    revenue_per_employee: float  # 万元 per person
    assets_to_revenue: float  # total assets / annual revenue
    current_share: float  # current assets / total assets
    inventory_share: float  # inventory / current assets
    receivable_share: float  # accounts receivable / current assets
    gross_margin: float  # (revenue - cost of sales) / revenue


UNCOVERED = "uncovered"
"""Profile key of industries outside the 2017 size standard (rail, finance, health, …)."""

# Keyed by the size-table industry of lendtag.domain.size (plus UNCOVERED).
PROFILES: dict[str, Profile] = {
    "agriculture": Profile(25, 1.4, 0.45, 0.40, 0.20, 0.18),
    "industry": Profile(70, 0.9, 0.55, 0.30, 0.35, 0.18),
    "construction": Profile(60, 1.0, 0.75, 0.25, 0.45, 0.10),
    "wholesale": Profile(400, 0.45, 0.80, 0.35, 0.35, 0.07),
    "retail": Profile(80, 0.5, 0.65, 0.45, 0.10, 0.15),
    "transport": Profile(45, 1.3, 0.35, 0.05, 0.45, 0.14),
    "warehousing": Profile(40, 2.2, 0.30, 0.10, 0.40, 0.22),
    "postal": Profile(30, 0.6, 0.55, 0.05, 0.40, 0.12),
    "accommodation": Profile(18, 2.6, 0.20, 0.10, 0.20, 0.35),
    "catering": Profile(14, 0.7, 0.35, 0.15, 0.10, 0.40),
    "information_transmission": Profile(110, 1.6, 0.40, 0.05, 0.40, 0.30),
    "software": Profile(45, 0.9, 0.70, 0.05, 0.50, 0.40),
    "real_estate_development": Profile(60, 4.5, 0.80, 0.70, 0.05, 0.25),
    "property_management": Profile(9, 0.7, 0.60, 0.02, 0.45, 0.15),
    "leasing_business": Profile(90, 1.5, 0.55, 0.05, 0.45, 0.25),
    "other": Profile(30, 1.0, 0.60, 0.10, 0.45, 0.30),
    UNCOVERED: Profile(60, 3.0, 0.60, 0.02, 0.30, 0.35),
}


@dataclass(frozen=True, slots=True)
class Industry:
    """A GB/T 4754-2017 class, how often it appears and words for company names."""

    code: str  # canonical "C3011"
    name_zh: str
    weight: float  # relative frequency in the portfolio (percent of customers)
    words: tuple[str, ...]  # industry words used in company names


_I = Industry
INDUSTRIES: tuple[Industry, ...] = (
    # A 农、林、牧、渔业
    _I("A0111", "稻谷种植", 0.6, ("农业", "粮油种植")),
    _I("A0141", "蔬菜种植", 0.8, ("蔬菜种植", "农业科技")),
    _I("A0311", "牛的饲养", 0.5, ("牧业", "畜牧")),
    _I("A0313", "猪的饲养", 0.8, ("生猪养殖", "牧业")),
    _I("A0412", "内陆养殖", 0.5, ("水产养殖", "渔业")),
    # B 采矿业
    _I("B0610", "烟煤和无烟煤开采洗选", 0.4, ("煤业", "矿业")),
    _I("B1011", "石灰石、石膏开采", 0.4, ("矿业", "石材")),
    # C 制造业
    _I("C1311", "稻谷加工", 0.8, ("粮油", "米业")),
    _I("C1331", "食用植物油加工", 0.6, ("粮油", "油脂")),
    _I("C1351", "牲畜屠宰", 0.5, ("食品", "肉类加工")),
    _I("C1512", "白酒制造", 0.4, ("酒业", "酿酒")),
    _I("C1711", "棉纺纱加工", 1.2, ("纺织", "棉纺")),
    _I("C1819", "其他机织服装制造", 1.5, ("服饰", "服装")),
    _I("C2110", "木质家具制造", 1.2, ("家具", "家居")),
    _I("C2221", "机制纸及纸板制造", 0.6, ("纸业", "包装材料")),
    _I("C2311", "书、报刊印刷", 0.5, ("印务", "彩印")),
    _I("C2614", "有机化学原料制造", 0.8, ("化工", "新材料")),
    _I("C2641", "涂料制造", 0.6, ("涂料", "化工")),
    _I("C2720", "化学药品制剂制造", 0.7, ("药业", "制药")),
    _I("C2740", "中成药生产", 0.4, ("药业", "中药")),
    _I("C2922", "塑料板、管、型材制造", 1.0, ("塑业", "管业")),
    _I("C3011", "水泥制造", 0.4, ("水泥", "建材")),
    _I("C3021", "水泥制品制造", 0.6, ("建材", "构件")),
    _I("C3130", "钢压延加工", 0.6, ("钢铁", "金属材料")),
    _I("C3311", "金属结构制造", 1.2, ("钢结构", "金属制品")),
    _I("C3421", "金属切削机床制造", 0.8, ("机床", "数控设备")),
    _I("C3441", "泵及真空设备制造", 0.6, ("泵业", "流体设备")),
    _I("C3484", "机械零部件加工", 1.8, ("精密机械", "机械制造")),
    _I("C3670", "汽车零部件及配件制造", 1.5, ("汽车部件", "汽配")),
    _I("C3825", "光伏设备及元器件制造", 0.6, ("光伏科技", "新能源")),
    _I("C3841", "锂离子电池制造", 0.6, ("新能源", "电池")),
    _I("C3851", "家用制冷电器具制造", 0.5, ("电器", "制冷设备")),
    _I("C3973", "集成电路制造", 0.4, ("半导体", "微电子")),
    _I("C3982", "电子电路制造", 1.0, ("电子", "电路科技")),
    _I("C4011", "工业自动控制系统装置制造", 0.6, ("自动化", "智能装备")),
    # D 电力、热力、燃气及水
    _I("D4416", "太阳能发电", 0.5, ("新能源", "光伏电力")),
    _I("D4420", "电力供应", 0.3, ("电力", "能源")),
    _I("D4610", "自来水生产和供应", 0.3, ("水务", "供水")),
    # E 建筑业
    _I("E4710", "住宅房屋建筑", 2.5, ("建设", "建筑工程")),
    _I("E4812", "公路工程建筑", 1.2, ("路桥", "交通工程")),
    _I("E4910", "电气安装", 1.0, ("机电安装", "电力工程")),
    _I("E5011", "公共建筑装饰和装修", 1.8, ("装饰", "建筑装饰")),
    # F 批发和零售业
    _I("F5121", "米、面制品及食用油批发", 1.5, ("粮油贸易", "食品贸易")),
    _I("F5132", "服装批发", 1.5, ("服饰贸易", "商贸")),
    _I("F5164", "金属及金属矿批发", 2.0, ("金属材料", "钢材贸易")),
    _I("F5165", "建材批发", 2.2, ("建材贸易", "建材")),
    _I("F5169", "其他化工产品批发", 1.5, ("化工贸易", "化工")),
    _I("F5174", "五金产品批发", 1.8, ("五金", "商贸")),
    _I("F5176", "计算机、软件及辅助设备批发", 1.3, ("电子科技", "数码")),
    _I("F5212", "超级市场零售", 2.0, ("超市", "商业")),
    _I("F5221", "粮油零售", 1.2, ("粮油", "食品")),
    _I("F5261", "汽车新车零售", 1.5, ("汽车销售", "汽车服务")),
    _I("F5292", "互联网零售", 2.0, ("电子商务", "网络科技")),
    # G 交通运输、仓储和邮政业
    _I("G5320", "铁路货物运输", 0.2, ("铁路物流", "运输")),
    _I("G5431", "普通货物道路运输", 2.0, ("物流", "运输")),
    _I("G5522", "沿海货物运输", 0.4, ("航运", "海运")),
    _I("G5821", "货物运输代理", 0.8, ("国际货运", "供应链")),
    _I("G5910", "装卸搬运", 0.3, ("装卸", "搬运")),
    _I("G5920", "通用仓储", 0.6, ("仓储", "物流")),
    _I("G5930", "低温仓储", 0.3, ("冷链物流", "冷链")),
    _I("G6020", "快递服务", 0.4, ("快递", "速递")),
    # H 住宿和餐饮业
    _I("H6110", "旅游饭店", 1.0, ("酒店", "酒店管理")),
    _I("H6121", "经济型连锁酒店", 0.6, ("酒店管理", "宾馆")),
    _I("H6210", "正餐服务", 1.5, ("餐饮", "餐饮管理")),
    _I("H6220", "快餐服务", 1.0, ("餐饮", "快餐")),
    # I 信息传输、软件和信息技术服务业
    _I("I6312", "移动电信服务", 0.3, ("通信", "通讯")),
    _I("I6432", "互联网生活服务平台", 0.8, ("网络科技", "互联网")),
    _I("I6513", "应用软件开发", 2.5, ("软件", "信息技术")),
    _I("I6531", "信息系统集成服务", 1.6, ("信息技术", "系统集成")),
    _I("I6550", "信息处理和存储支持服务", 0.8, ("数据科技", "云计算")),
    # J 金融业 (not covered by the size standard)
    _I("J6631", "融资租赁服务", 0.5, ("融资租赁", "租赁")),
    _I("J6635", "小额贷款公司服务", 0.4, ("小额贷款", "小贷")),
    _I("J6940", "金融信息服务", 0.3, ("金融信息服务", "金融科技")),
    # K 房地产业
    _I("K7010", "房地产开发经营", 2.5, ("置业", "房地产开发")),
    _I("K7020", "物业管理", 1.2, ("物业服务", "物业管理")),
    _I("K7030", "房地产中介服务", 0.4, ("房产经纪", "不动产")),
    _I("K7040", "房地产租赁经营", 0.3, ("资产经营", "房屋租赁")),
    # L 租赁和商务服务业
    _I("L7111", "汽车租赁", 0.6, ("汽车租赁", "租车")),
    _I("L7113", "建筑工程机械与设备经营租赁", 0.8, ("设备租赁", "机械租赁")),
    _I("L7212", "投资与资产管理", 1.3, ("投资管理", "资产管理")),
    _I("L7243", "社会经济咨询", 1.2, ("企业管理咨询", "咨询")),
    _I("L7259", "其他广告服务", 1.0, ("广告", "文化传媒")),
    # M 科学研究和技术服务业
    _I("M7320", "工程和技术研究和试验发展", 1.0, ("科技", "技术研究院")),
    _I("M7484", "工程设计活动", 1.2, ("工程设计", "建筑设计")),
    # N 水利、环境和公共设施管理业
    _I("N7721", "水污染治理", 0.6, ("环保科技", "水处理")),
    _I("N7820", "环境卫生管理", 0.5, ("环境工程", "环卫")),
    # O 居民服务、修理和其他服务业
    _I("O8010", "家庭服务", 0.5, ("家政服务", "家政")),
    _I("O8111", "汽车修理与维护", 1.0, ("汽车维修", "汽车服务")),
    # P 教育 (not covered)
    _I("P8391", "职业技能培训", 0.5, ("职业培训", "教育科技")),
    # Q 卫生和社会工作 (84 not covered)
    _I("Q8411", "综合医院", 0.4, ("医院", "医疗")),
    # R 文化、体育和娱乐业
    _I("R8730", "影视节目制作", 0.5, ("影视文化", "传媒")),
    _I("R8810", "文艺创作与表演", 0.3, ("文化艺术", "演艺")),
    # S 公共管理、社会保障和社会组织 (not covered)
    _I("S9490", "其他社会保障", 0.1, ("养老服务", "社会服务")),
)
INDUSTRY_CUM_WEIGHTS: tuple[float, ...] = tuple(accumulate(i.weight for i in INDUSTRIES))


@dataclass(frozen=True, slots=True)
class Region:
    """A real GB/T 2260 prefecture-level (or municipal district) code."""

    code: str
    province: str  # short province name used in company names
    city: str
    branch: str  # the demo bank branch that covers it
    weight: float


_R = Region
REGIONS: tuple[Region, ...] = (
    _R("110105", "北京", "北京", "BR-BJ01", 3.0),
    _R("110108", "北京", "北京", "BR-BJ01", 3.0),
    _R("120116", "天津", "天津", "BR-BJ01", 2.0),
    _R("130100", "河北", "石家庄", "BR-BJ01", 1.5),
    _R("130200", "河北", "唐山", "BR-BJ01", 1.0),
    _R("140100", "山西", "太原", "BR-BJ01", 0.8),
    _R("150100", "内蒙古", "呼和浩特", "BR-BJ01", 0.5),
    _R("210100", "辽宁", "沈阳", "BR-BJ01", 1.0),
    _R("210200", "辽宁", "大连", "BR-BJ01", 1.0),
    _R("220100", "吉林", "长春", "BR-BJ01", 0.6),
    _R("230100", "黑龙江", "哈尔滨", "BR-BJ01", 0.6),
    _R("310104", "上海", "上海", "BR-SH01", 2.5),
    _R("310115", "上海", "上海", "BR-SH01", 4.0),
    _R("320100", "江苏", "南京", "BR-NJ01", 3.0),
    _R("320200", "江苏", "无锡", "BR-NJ01", 2.5),
    _R("320500", "江苏", "苏州", "BR-NJ01", 4.0),
    _R("340100", "安徽", "合肥", "BR-NJ01", 2.0),
    _R("370100", "山东", "济南", "BR-NJ01", 1.8),
    _R("370200", "山东", "青岛", "BR-NJ01", 2.2),
    _R("330100", "浙江", "杭州", "BR-HZ01", 5.0),
    _R("330200", "浙江", "宁波", "BR-HZ01", 3.5),
    _R("330300", "浙江", "温州", "BR-HZ01", 2.5),
    _R("330700", "浙江", "金华", "BR-HZ01", 2.0),
    _R("350100", "福建", "福州", "BR-HZ01", 1.5),
    _R("350200", "福建", "厦门", "BR-HZ01", 2.0),
    _R("360100", "江西", "南昌", "BR-WH01", 1.0),
    _R("410100", "河南", "郑州", "BR-WH01", 2.0),
    _R("420100", "湖北", "武汉", "BR-WH01", 2.5),
    _R("430100", "湖南", "长沙", "BR-WH01", 2.0),
    _R("440100", "广东", "广州", "BR-SZ01", 4.0),
    _R("440300", "广东", "深圳", "BR-SZ01", 5.0),
    _R("440600", "广东", "佛山", "BR-SZ01", 2.5),
    _R("441900", "广东", "东莞", "BR-SZ01", 2.5),
    _R("450100", "广西", "南宁", "BR-SZ01", 0.8),
    _R("460100", "海南", "海口", "BR-SZ01", 0.5),
    _R("500112", "重庆", "重庆", "BR-CD01", 2.0),
    _R("510100", "四川", "成都", "BR-CD01", 3.0),
    _R("520100", "贵州", "贵阳", "BR-CD01", 0.8),
    _R("530100", "云南", "昆明", "BR-CD01", 0.8),
    _R("610100", "陕西", "西安", "BR-XA01", 2.0),
    _R("620100", "甘肃", "兰州", "BR-XA01", 0.5),
    _R("630100", "青海", "西宁", "BR-XA01", 0.2),
    _R("640100", "宁夏", "银川", "BR-XA01", 0.3),
    _R("650100", "新疆", "乌鲁木齐", "BR-XA01", 0.5),
)
REGION_CUM_WEIGHTS: tuple[float, ...] = tuple(accumulate(r.weight for r in REGIONS))

BRANCHES: tuple[str, ...] = tuple(sorted({r.branch for r in REGIONS}))
"""The demo bank's eight branches (BR-BJ01 … BR-XA01)."""

PERSON_AREAS: tuple[str, ...] = (
    # County-level GB/T 2260 codes used as the first six digits of resident ID numbers.
    "110101", "110102", "110105", "110108", "120101", "130102", "210102", "230102",
    "310101", "310104", "310115", "320102", "320106", "330102", "330106", "330203",
    "330302", "340104", "350102", "350203", "360102", "370102", "370202", "410105",
    "420106", "430102", "440103", "440106", "440303", "440304", "440305", "450102",
    "500103", "510104", "510107", "530102", "610113", "620102",
)  # fmt: skip
