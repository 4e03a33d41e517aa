"""Moto-style fakes of the systems the integrator talks to, for tests and demos.

Each simulator enforces the real system's rules, has fault-injection knobs, can be seeded
with a realistic tenant and runs in-process or as a local server (see ``serving``).
Simulators never import connectors: they are independent implementations to test against.
"""
