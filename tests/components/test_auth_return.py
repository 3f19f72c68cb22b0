"""The page to come back to after signing in keeps its query string (issue 28: ``st.context.url`` drops it)."""
from components.auth import return_path
from components.session_cookie import handoff_url, safe_next


def test_return_path_keeps_the_query_string():
    assert return_path("http://host:8501/units", {"eval": ["3"]}) == "/units?eval=3"
    assert return_path("http://host/unit", {"eval": ["3"], "unit": ["市数据局"]}) == \
        "/unit?eval=3&unit=%E5%B8%82%E6%95%B0%E6%8D%AE%E5%B1%80"
    assert return_path("http://host/units", {"type": ["a", "b"]}) == "/units?type=a&type=b"
    assert return_path("http://host/", {}) == "/"
    assert return_path(None, {}) == "/"


def test_the_handoff_carries_it_and_stays_on_this_site():
    url = handoff_url("code", return_path("http://host/units", {"eval": ["3"]}))
    assert "next=%2Funits%3Feval%3D3" in url
    assert safe_next("/units?eval=3") == "/units?eval=3"
    assert safe_next("//evil.example/x?eval=3") == "/"
