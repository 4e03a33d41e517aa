"""A Sage 50 Canada company and Sage's transaction importer (.IMP), enforcing Sage's rules."""

from halo_accounts.simulators.sage50ca.company import (
    Authority,
    CanadaCompany,
    ImportOutcome,
    TaxCode,
    import_file,
    load_company,
    save_company,
    seed_company,
)

__all__ = [
    "Authority",
    "CanadaCompany",
    "ImportOutcome",
    "TaxCode",
    "import_file",
    "load_company",
    "save_company",
    "seed_company",
]
