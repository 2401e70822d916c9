"""View helpers for permission checks. Anonymous users go to the login page; others get a clear 403 page."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def permission_required(perm: str, fn=None):
    """Require ``perm`` (a ``rules`` permission). ``fn(request, **kwargs)`` may return the object to check."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = fn(request, **kwargs) if fn else None
            if not request.user.has_perm(perm, obj):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.plein_permission = perm
        return wrapper

    return decorator
