"""The API's routers, one module per resource; every route has a name in the policy table."""
