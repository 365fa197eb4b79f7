"""The Starlette web application: pages, the JSON API, auth and the websocket hub."""
