"""The home page's summaries: what each role has to do next, gathered from the features below.

It sits above every feature it summarises (catalog, enrollment, attendance, certificates,
privacy, evaluation) and none of them imports it; core's home view imports it when called.
"""
