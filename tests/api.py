from tests.factories import PASSWORD


def auth(api, user):
    """Sign the API client in with a token, as an API consumer would."""
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return api
