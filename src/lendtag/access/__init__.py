"""Who may do what: users, roles, tokens, object-level scope and personal-data masking.

Front ends (the CLI, the API) authenticate people here and pass the resulting
:class:`~lendtag.access.users.Principal` to the core; nothing in this package imports a
web framework.
"""
