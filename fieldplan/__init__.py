"""The ``fieldplan`` console command, and the servers it runs on this machine.

``cli`` parses the command line and hands each area to its module
(``inventory_cli``, ``replan_cli``, ``roads_cli``, ``scenario_cli``,
``service_cli``); ``osrm_server`` installs OSRM's programs and starts and stops
road servers; ``ports`` finds a free loopback port. The outermost layer: it may
import every other package; none imports it.
"""
