"""Request and response shapes (marshmallow): they validate input and document the API.

One module of shapes per area of the API (``reference_shapes`` for the
reference data, ``job_shapes``, ``stock_shapes``, ``plan_shapes``,
``analysis_shapes``, ``service_shapes``), ``run_shapes`` for the runs every
run area answers with, and ``common`` for what they all share. Shapes may
import the stored models' enums and the engines' vocabulary (job kinds,
defaults); never a view or a database session.
"""
