"""A small per-process cache of rendered catalogue fragments.

The public catalogue is the busiest page and the same for every visitor with the same filters,
so the rendered list is kept, keyed by the filters, the page's language, the day and
services.catalogue_version(): any change the list shows moves that version, so a stale fragment
is never served (each gunicorn worker keeps its own copy; no shared store is needed).
"""

import threading
from collections import OrderedDict

from flask import current_app


class FragmentCache:
    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def fragment_cache() -> FragmentCache | None:
    """The app's cache, or None when CATALOGUE_CACHE_SIZE is 0."""
    size = current_app.config.get("CATALOGUE_CACHE_SIZE", 256)
    if not size:
        return None
    extensions = current_app.extensions
    if "catalogue_fragments" not in extensions:
        extensions["catalogue_fragments"] = FragmentCache(size)
    return extensions["catalogue_fragments"]
