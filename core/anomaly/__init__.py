"""The Isolation Forest + LOF anomaly detector, in layers that only look down.

estimator.py holds the ensemble (a scikit-learn estimator) and the window-to-point
vote; features.py what a model sees; registry.py stores fitted models without
pickle and imports only those two; training.py trains, scores and stores models.
"""
