"""The REST API, version 1: the register and the directory as JSON, through the same services.

One module for each domain (organisations, activities, loans, programmes, needs, returns, reports,
atlas) holds that domain's serializers and views together; `common` holds what they all share.
Each write is a fetch scoped to what the user may see, a permission check, an input serializer that
validates with the web forms, and one service call with `actor=request.user`: the serializers never
save on their own.
"""
