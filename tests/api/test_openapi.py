"""The OpenAPI document lists every endpoint; the docs page works without any other host."""

from __future__ import annotations

import re

from tests.api.conftest import World


def test_every_route_is_documented(world: World) -> None:
    spec = world.client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and spec["info"]["version"] == "v1"
    documented = {
        (m.upper(), p) for p, ops in spec["paths"].items() for m in ops if m != "parameters"
    }
    served = set()
    for rule in world.app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        if not path.startswith("/api/v1/") or path.startswith(("/api/v1/docs", "/api/v1/openapi")):
            continue
        served |= {(m, path) for m in rule.methods or () if m not in ("HEAD", "OPTIONS")}
    assert served == documented
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert spec["paths"]["/api/v1/health"]["get"]["security"] == []


def test_the_docs_page_loads_its_files_from_this_service(world: World) -> None:
    page = world.client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/api/v1/docs/assets/") for s in sources), sources
    for source in sources:
        asset = world.client.get(source)
        asset.close()  # a file response holds the file open until closed
        assert asset.status_code == 200, source
