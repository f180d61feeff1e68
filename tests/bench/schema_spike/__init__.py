"""Schema-library spike (issue 12): the autosave PUT and the class dashboard API ported to
pydantic v2 and to marshmallow (flask-smorest), measured with wrk against the current
hand-written endpoints; `python -m tests.bench.schema_spike` reruns it (RESULTS.md).

Throwaway but kept: the ports live under /api/spike/... on a copy of the app (app.py), so
learnhub/ is untouched. Each port calls the same services as the real endpoint; only the
validation and the serialisation differ.
"""
