"""During the day: the rest of the day as a problem, its re-plan, who should go to a new job.

``residual`` builds the rest-of-day problem from the published plan and the
state of the day, ``rest_of_day`` re-plans it keeping promises, ``changes``
lists what moved and why, ``who`` ranks engineers for a new job. The top
layer of ``dispatch``: it may import every other sub-package.
"""
