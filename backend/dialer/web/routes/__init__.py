"""Route modules, one per area; `dialer.web.app` mounts them.

Paths name rows as `{name:id}`: the convertor `dialer.web.input` registers, imported here so
that it exists before any route module builds its routes."""

import dialer.web.input  # noqa: F401 - registers the "id" path convertor
