"""The REST API on the dashboard's server: routes (`routes.register_api`), request parsing,
background jobs and the OpenAPI description."""
