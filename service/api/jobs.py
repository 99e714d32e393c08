"""Bulk ingest jobs."""
from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.context import runtime
from service.api.schemas import ApiErrorSchema, JobAcceptedSchema, JobInSchema, JobSchema
from service.domain.entities import DocumentSubmission
from service.storage import JobReport
from service.usecases.jobs import job_report, submit_job

blp = Blueprint("jobs", __name__, url_prefix="/v1", description="Bulk ingest through the queue.")


@blp.route("/jobs")
class Jobs(MethodView):
    @blp.arguments(JobInSchema)
    @blp.response(202, JobAcceptedSchema, headers={"Location": {
        "description": "Where the job reports its progress.", "schema": {"type": "string"}}})
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, submissions: list[DocumentSubmission]) -> tuple[JobReport, int, dict[str, str]]:
        """Queue up to 10,000 documents for ingest, each exactly as POST /v1/documents would store it.

        The body may be larger than other requests' (64 MiB by default, `CLAIMLENS_MAX_JOB_REQUEST_BYTES`)."""
        job = submit_job(runtime(), submissions)
        return job, 202, {"Location": url_for("jobs.JobById", job_id=job.id)}


@blp.route("/jobs/<int(max=2147483647):job_id>")
class JobById(MethodView):
    @blp.response(200, JobSchema)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, job_id: int) -> JobReport:
        """Report a job: its status, documents done, failed and pending, errors, and the stored document ids."""
        return job_report(runtime(), job_id)
