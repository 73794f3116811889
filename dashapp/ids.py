"""Every component id of the dashboard, named once.

Pages, callbacks and the upload-limit answer (which opens the status alert from outside
Dash) use these constants, so a typo is a NameError at import instead of a callback that
silently never fires. The ids marked *stable* are the ones DESIGN.md promises and the
browser tests select by: change them only together with those.
"""
from __future__ import annotations

# Shared by every page that reports to the user (stable).
STATUS_ALERT = "status-alert"

# Upload page (/).
UPLOAD_DATA = "upload-data"  # stable
UPLOAD_CARDS = "upload-cards"

# Analysis page (/analysis): the curve, the settings form and the run.
CURVE_SELECT = "curve-select"
SETTING_CONTAMINATION = "setting-contamination"
SETTING_WINDOW_SIZE = "setting-window-size"
SETTING_VOTE_THRESHOLD = "setting-vote-threshold"
SETTING_DETREND_WINDOW = "setting-detrend-window"
SETTING_DETECTORS = "setting-detectors"
SETTING_K2_ROLL = "setting-k2-roll"
MODEL_SELECT = "model-select"  # stable
ANALYZE_BUTTON = "analyze-button"  # stable
ANALYSIS_PROGRESS = "analysis-progress"
ANALYSIS_PROGRESS_MESSAGE = "analysis-progress-message"
# Analysis page: stores that carry a run from the click to the drawing.
AUTORUN = "autorun"  # ?run=1: analyse as soon as the page opens
ANALYSIS_REQUEST = "analysis-request"  # sealed job for the background callback
ANALYSIS_READY = "analysis-ready"  # answered at once (cached) or an error
ANALYSIS_DONE = "analysis-done"  # answered by the background callback
ANALYSIS_SHOWN = "analysis-shown"  # sealed key of the result on screen (downloads, zoom)
# Analysis page: what shows the result.
RESULT_SUMMARY = "result-summary"
LIGHTCURVE_GRAPH = "lightcurve-graph"  # stable
DETRENDED_GRAPH = "detrended-graph"
PERIODOGRAM_GRAPH = "periodogram-graph"
PHASE_FOLDS = "phase-folds"
EVENTS_TABLE = "events-table"  # stable
EVENT_CONFIDENCE = "event-confidence"  # slider: hide events below this confidence in the plot and table
TRANSITS_TABLE = "transits-table"  # stable
VETTING_SELECT = "vetting-candidate"  # the candidate whose vetting view is shown
VETTING_VIEW = "vetting-view"
VETTING_VERDICT = "vetting-verdict"
VETTING_REASONS = "vetting-reasons"
VETTING_REPORT_IMAGE = "vetting-report-image"
DOWNLOAD_VETTING_REPORT = "download-vetting-report"
DOWNLOAD_RESULTS = "download-results"  # stable
DOWNLOAD_EVENTS_CSV = "download-events-csv"
DOWNLOAD_TRANSITS_CSV = "download-transits-csv"
DOWNLOAD_JSON = "download-json"
DOWNLOAD_FILE = "download-file"
# Analysis page: the Completeness card (injection-recovery on the chosen curve, a background job).
COMPLETENESS_CARD = "completeness-card"
COMPLETENESS_KIND = "completeness-kind"
COMPLETENESS_N = "completeness-n"
COMPLETENESS_BUTTON = "completeness-button"
COMPLETENESS_PROGRESS = "completeness-progress"
COMPLETENESS_REQUEST = "completeness-request"  # sealed job for the background callback
COMPLETENESS_GRAPH = "completeness-graph"  # the heatmap; browser tests look for it
COMPLETENESS_SENTENCE = "completeness-sentence"

# Training page (/training).
TRAIN_REQUEST = "train-request"  # sealed job (settings and the session that will own the model)
TRAIN_SOURCE = "train-source"
TRAIN_N_SAMPLES = "train-n-samples"  # stable
TRAIN_CONTAMINATION = "train-contamination"
TRAIN_BUTTON = "train-button"  # stable
TRAIN_PROGRESS = "train-progress"  # stable
TRAIN_RESULT = "train-result"
TRAINED_MODEL_ID = "trained-model-id"
MODEL_LIST_CONTAINER = "model-list-container"
MODEL_LIST = "model-list"  # one item per model, with data-model-id and data-owner ("yours", "shared", "built-in")
MODEL_PUBLISH_TYPE = "model-publish"  # pattern-matching id type: {"type": ..., "model": <model id>}, on your own models
MODEL_DELETE_TYPE = "model-delete"  # the same, for the delete button

# Gallery page (/gallery).
GALLERY = "gallery"  # stable
GALLERY_CARD_TYPE = "gallery-card"  # pattern-matching id type: {"type": ..., "entry": <entry id>}

# Batch page (/batch): every curve of the session analysed at once, one row each.
BATCH_RUN_BUTTON = "batch-run-button"  # stable
BATCH_ID = "batch-id"  # the session's running or last batch (browser session storage)
BATCH_POLL = "batch-poll"  # interval that refreshes the table while the batch runs
BATCH_PROGRESS = "batch-progress"  # stable
BATCH_TABLE = "batch-table"  # stable: one row per curve, the summary columns; a click opens it on /analysis
BATCH_DOWNLOAD_CSV = "batch-download-csv"  # stable
BATCH_DOWNLOAD_FILE = "batch-download-file"
BATCH_OPEN = "batch-open"  # dcc.Location the clicked row navigates to
