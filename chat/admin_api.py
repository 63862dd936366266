"""Admin routes (`/admin/*`, bearer token) and the public/admin views of `/health`."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from chat.http_guards import admin_problem
from chat.service import GazetteService
from index.errors import GazetteError
from index.ingest import MAX_UPLOAD_BYTES, remove_document
from index.pending import discard_pending, list_pending, publish_pending, stage_upload
from index.settings import Settings


def _actor(request: Request) -> str:
    return f"admin-api:{request.client.host if request.client else 'unknown'}"



def health_view(info: dict[str, Any], reload_status: dict[str, Any], enabled: bool, admin: bool) -> dict[str, Any]:
    """/health: `stale` when the folder on disk holds a newer version than the one served; paths for admins only."""
    info = {**info, "stale": reload_status.get("on_disk") != reload_status.get("version"), "admin": enabled}
    if admin:
        info["reload"] = reload_status
    else:
        info.pop("index", None)
        if isinstance(info.get("llm_config"), dict):      # the local model's path is a filesystem path too
            info["llm_config"] = {k: v for k, v in info["llm_config"].items() if k != "local_model"}
        info["reload"] = {"loaded_at": reload_status.get("loaded_at"),
                          "last_error": "(admins only)" if reload_status.get("last_error") else None}
    return info


def add_admin_routes(app: FastAPI, settings: Settings) -> None:
    token = settings.admin_token

    def require_admin(request: Request) -> None:
        """Bearer token from `GAZETTE_ADMIN_TOKEN`: 503 when unset, 401 when missing or wrong (`RequestGuard`
        already refused such requests before their body was read; this keeps the routes safe on their own)."""
        problem = admin_problem(request.headers.get("authorization", ""), token)
        if problem:
            raise HTTPException(problem[0], problem[1],
                                headers={"WWW-Authenticate": "Bearer"} if problem[0] == 401 else None)

    admin = [Depends(require_admin)]

    def reload(request: Request) -> dict[str, Any]:
        watcher = request.app.state.watcher
        try:
            watcher.reload(force=True, raise_errors=True)
        except GazetteError as exc:
            raise HTTPException(503, f"reload failed, still serving the previous index: {exc}") from None
        service: GazetteService = request.app.state.service
        return {"reloaded": True, "clauses": len(service.searcher.store),
                "documents": len(service.documents()), "status": watcher.status()}

    @app.post("/admin/reload", tags=["admin"], dependencies=admin, summary="Reload the index from disk")
    def admin_reload(request: Request) -> dict[str, Any]:
        return reload(request)

    @app.post("/admin/documents", tags=["admin"], dependencies=admin, status_code=202,
              summary="Upload a gazette file (text or PDF); it stays pending until published")
    def admin_add(request: Request, file: Annotated[UploadFile, File(description="UTF-8 text or PDF")],
                  replace: Annotated[bool, Form()] = False) -> JSONResponse:
        data = file.file.read(MAX_UPLOAD_BYTES + 1)
        meta = stage_upload(request.app.state.service.index_dir, file.filename, data, _actor(request), replace)
        return JSONResponse({**meta, "publish": f"/admin/pending/{meta['id']}/publish"}, status_code=202)

    @app.get("/admin/pending", tags=["admin"], dependencies=admin, summary="Uploads waiting to be published")
    def admin_pending(request: Request) -> dict[str, Any]:
        return {"pending": list_pending(request.app.state.service.index_dir)}

    @app.post("/admin/pending/{upload_id}/publish", tags=["admin"], dependencies=admin,
              summary="Add a pending upload to the index (flagged uploads need force=true)")
    def admin_publish(request: Request, upload_id: str, force: bool = False) -> dict[str, Any]:
        report = publish_pending(request.app.state.service.index_dir, upload_id, _actor(request), force=force,
                                 settings=settings)
        return {**report.to_dict(), "reload": reload(request) if report.changed else None}

    @app.delete("/admin/pending/{upload_id}", tags=["admin"], dependencies=admin, summary="Discard a pending upload")
    def admin_discard(request: Request, upload_id: str) -> dict[str, Any]:
        return discard_pending(request.app.state.service.index_dir, upload_id)

    @app.delete("/admin/documents/{doc_number}", tags=["admin"], dependencies=admin,
                summary="Remove a document by document number")
    def admin_remove(request: Request, doc_number: str) -> dict[str, Any]:
        report = remove_document(request.app.state.service.index_dir, doc_number, settings=settings)
        return {**report.to_dict(), "reload": reload(request)}
