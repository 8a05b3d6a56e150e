"""HTML for one view: the inlined bundle (guarded), the data as JSON, and the render script."""
import json
import os
import re
import uuid

from . import __version__

STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
BUNDLE = os.path.join(STATIC, "attnviz.js")
TAGS = ("attn-head-view", "attn-model-view", "attn-neuron-view", "attn-explorer")

_EXPORT = re.compile(r";?export\s*\{[^}]*\};?\s*(//# sourceMappingURL=\S*\s*)?$")
_cache = {}


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def bundle_script(source=None, version=__version__):
    """The single-file bundle as a classic script that runs only where an element is missing.

    dist/attnviz.min.js is an ES module whose one export statement ends it; without that line it
    runs as a function body. Inline module scripts are not deduplicated by the browser, so the
    guard is what keeps several outputs (or outputs of other attnviz versions) from defining the
    elements twice; the bundle's own define calls also skip names already taken.
    """
    if source is None:
        if "bundle" not in _cache:
            if not os.path.exists(BUNDLE):
                raise RuntimeError(
                    "attnviz's JavaScript bundle is missing (%s): in a checkout, run "
                    "`npm run build:python` before `pip install ./python`" % BUNDLE)
            _cache["bundle"] = bundle_script(_read(BUNDLE), version)
        return _cache["bundle"]
    body, n = _EXPORT.subn("", source.rstrip())
    if n != 1:
        raise RuntimeError("unexpected bundle: it should end with one export statement")
    if "<!--" in body:
        raise RuntimeError("unexpected bundle: '<!--' cannot be inlined in a <script>")
    body = re.sub(r"</(script)", r"<\\/\1", body, flags=re.IGNORECASE)
    # `import.meta` is a syntax error outside a module. The bundle reads it only to start the
    # derivations' worker from the file beside it, which an inlined copy does not have: with an
    # opaque base the worker's URL cannot be made, and the derivations run in the page instead.
    body = body.replace("import.meta.url", '"about:blank"')
    if "import.meta" in body:
        raise RuntimeError("unexpected bundle: 'import.meta' other than import.meta.url cannot be inlined")
    tags = json.dumps(list(TAGS))
    return (
        "<script>/* attnviz %(v)s: defines the elements unless this page has them already */\n"
        "(function () {\n"
        "  if (!window.customElements || %(tags)s.every(function (n) { return customElements.get(n); })) return;\n"
        "  try {\n"
        "    (function () {\n\"use strict\";\n%(body)s\n    }).call(undefined);\n"
        "  } catch (e) {\n"
        "    console.warn('attnviz %(v)s could not define its elements', e);\n"
        "  }\n"
        "})();\n</script>" % {"v": version, "tags": tags, "body": body})


def render_script():
    if "render" not in _cache:
        _cache["render"] = _read(os.path.join(STATIC, "render.js"))
    return _cache["render"]


def json_for_script(value):
    """JSON safe inside a <script> element: no '<', '>' or '&' that HTML would read."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def view_fragment(spec):
    """The output's element, its data and the script that renders it (no bundle)."""
    element_id = "attnviz-" + uuid.uuid4().hex
    script = render_script().replace("})(ID);", "})(%s);" % json.dumps(element_id))
    return (
        '<div class="attnviz-output" id="%s" style="width:100%%">'
        '<p class="attnviz-pending">attnviz: this view needs JavaScript. Run the cell again, or trust '
        'the notebook, to show it.</p>'
        '<script type="application/json" class="attnviz-spec">%s</script></div>\n'
        "<script>%s</script>" % (element_id, json_for_script(spec), script))


def page(fragments, title="attnviz"):
    """A standalone document: the bundle once, then every view; opens offline from file://."""
    esc = title.replace("&", "&amp;").replace("<", "&lt;")
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        "<title>%s</title>\n"
        "<style>body { margin: 1rem; font-family: system-ui, sans-serif; }"
        " .attnviz-output { margin-bottom: 1.5rem; }</style>\n"
        "</head>\n<body>\n%s\n%s\n</body>\n</html>\n" % (esc, bundle_script(), "\n".join(fragments)))
