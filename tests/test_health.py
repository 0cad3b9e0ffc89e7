"""The health check answers anyone, without touching the database (bench uses it as a floor)."""

from tests.test_query_counts import counting


def test_health_check_is_public_and_reads_no_database(app, client):
    with counting(app) as statements:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"
    assert statements == []
