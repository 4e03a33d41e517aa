"""A Sage 50 UK company behind an SDO-shaped object model (research sage50.md §1.2, §1.5).

``SageCompany`` holds one company's data (the ``ACCDATA`` folder) and enforces Sage's rules;
``SDOEngine`` is the COM object model a connector drives, call for call as ``SDOEngine.<major>``
is driven through pywin32.
"""

from halo_accounts.simulators.sage50uk.company import SageCompany, SageFaults, load_company, save_company, seed_company
from halo_accounts.simulators.sage50uk.sdo import SDOEngine

__all__ = ["SDOEngine", "SageCompany", "SageFaults", "load_company", "save_company", "seed_company"]
