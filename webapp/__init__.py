"""The policymakers' app: move the plan's instruments, see the peak, the targets and the budget.

Served by ``app.py`` (``suqian-abm app``, which runs :mod:`webapp.server`, or ``solara run app.py``). The app holds no model logic.
It builds a scenario from a preset and the values of the registry's levers and uncertainties,
checks it with :meth:`abm.scenario.Scenario.with_settings` and calls :func:`abm.run.run`, the same
entry point as ``suqian-abm run``. The comparison with the baseline comes from
:mod:`abm.comparison`; every answer is the mean and 5-95 % band of the app's members
(:mod:`experiments.app_members`), first estimated by :mod:`experiments.emulator`, then run exactly.

Every setting lives in the page's address (query string), so a link reopens the same scenario;
each browser session reads its own address and holds its own state. The user interface's words,
in Chinese and English, are in ``abm/data/app_text.csv``.

Modules: ``catalogue`` (what the app offers), ``text`` (words), ``state`` (settings and the
address), ``runs`` (the only module that calls the model), ``numbers`` (formatting, slider
steps), ``palette`` (colours), ``charts`` (ECharts options), ``components`` (the parts of the
page), ``page`` (Page and Layout), ``serving`` (Solara's settings for the app), ``server`` (the
server ``suqian-abm app`` starts), ``static_cache`` (static files compressed once), ``ensemble_service``
(the run pool shared by all sessions), ``assets/custom.css`` (the page's CSS, which Solara links in
the page's head) and ``assets/custom.js``.
"""
