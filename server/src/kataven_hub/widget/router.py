"""The widget's routers: admin (keys, settings) and public (visitor auth) under /api/v1, and
the script at the root."""

from fastapi import APIRouter

from kataven_hub.widget.keys.router import router as keys_router
from kataven_hub.widget.script_router import router as script_router
from kataven_hub.widget.settings.router import router as settings_router
from kataven_hub.widget.visitor.router import router as visitor_router

router = APIRouter()
router.include_router(keys_router)
router.include_router(settings_router)
router.include_router(visitor_router)

__all__ = ["router", "script_router"]
