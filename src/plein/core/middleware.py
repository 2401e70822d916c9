from django.utils.functional import SimpleLazyObject

from plein.core.selectors import default_organisation


class OrganisationMiddleware:
    """Puts the current organisation on the request as ``request.organisation`` (loaded only when used)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = SimpleLazyObject(default_organisation)
        return self.get_response(request)
