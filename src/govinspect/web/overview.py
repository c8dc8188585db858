"""(placeholder: the overview page is being written)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..store.users import Principal
from .render import page
from .security import require

router = APIRouter()


@router.get("/", include_in_schema=False)
def overview(request: Request, p: Annotated[Principal, Depends(require())]) -> HTMLResponse:
    return page(request, "overview.html")
