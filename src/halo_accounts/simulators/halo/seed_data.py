"""Name pools and reference data for the seed generator.

An MSP's customers, catalogue, tax rates and suppliers in the UK, the US, Canada and
Australia.

Some names carry apostrophes, ampersands and non-ASCII letters on purpose: they must survive
JSON, qbXML and CSV escaping downstream. Phone numbers use ranges reserved for drama.
"""

from __future__ import annotations

__all__ = [
    "CATALOGUE",
    "COUNTRIES",
    "FIRST_NAMES",
    "ITEMS",
    "LAST_NAMES",
    "PLACES",
    "SPECIAL_CUSTOMERS",
    "SUPPLIERS",
    "TAXES",
    "TRADES",
]

# name, code, rate (%), country
TAXES: tuple[tuple[str, str, str, str], ...] = (
    ("Standard Rate VAT 20%", "T1", "20", "UK"),
    ("Reduced Rate VAT 5%", "T5", "5", "UK"),
    ("Zero Rated VAT 0%", "T0", "0", "UK"),
    ("NY State 4%", "NY", "4", "US"),
    ("CA State 7.25%", "CA", "7.25", "US"),
    ("US Tax Exempt", "EXEMPT", "0", "US"),
    ("GST 5%", "GST", "5", "CA"),
    ("HST ON 13%", "HST", "13", "CA"),
    ("QST 9.975%", "QST", "9.975", "CA"),
    ("GST 10%", "GST-AU", "10", "AU"),
    ("GST Free", "FRE", "0", "AU"),
)

# country -> (towns with region and postcode, street names, phone pattern, currency)
COUNTRIES: dict[str, dict[str, tuple[str, ...]]] = {
    "UK": {
        "towns": (
            "Leeds|West Yorkshire|LS1 4AP",
            "Bristol|Avon|BS1 5TR",
            "Manchester|Greater Manchester|M2 3HQ",
            "Norwich|Norfolk|NR2 1TF",
            "Cardiff|South Glamorgan|CF10 1EP",
        ),
        "streets": ("High Street", "Station Road", "Mill Lane", "Church Street", "Park Row"),
        "phone": ("01632 960{n:03d}",),
        "country": ("United Kingdom",),
    },
    "US": {
        "towns": (
            "New York|NY|10001",
            "Buffalo|NY|14202",
            "San Diego|CA|92101",
            "Sacramento|CA|95814",
            "Austin|TX|78701",
        ),
        "streets": ("Main Street", "Oak Avenue", "Broadway", "Maple Drive", "5th Avenue"),
        "phone": ("(212) 555-{n:04d}",),
        "country": ("USA",),
    },
    "CA": {
        "towns": ("Toronto|ON|M5V 2T6", "Ottawa|ON|K1P 1J1", "Montréal|QC|H2Y 1C6"),
        "streets": ("King Street West", "Rue Sainte-Catherine", "Bay Street", "Elgin Street"),
        "phone": ("(416) 555-{n:04d}",),
        "country": ("Canada",),
    },
    "AU": {
        "towns": ("Sydney|NSW|2000", "Melbourne|VIC|3000", "Brisbane|QLD|4000"),
        "streets": ("George Street", "Collins Street", "Queen Street", "Pitt Street"),
        "phone": ("02 5550 {n:04d}",),
        "country": ("Australia",),
    },
}

PLACES: tuple[str, ...] = (
    "Northwind",
    "Harbour View",
    "Riverside",
    "Oakfield",
    "Kingsbridge",
    "Bluewater",
    "Meadowbank",
    "Ashford",
    "Silverline",
    "Granite Peak",
    "Westgate",
    "Elm Park",
    "Foxhollow",
    "Summit",
    "Lakeshore",
    "Old Mill",
)

TRADES: tuple[str, ...] = (
    "Dental",
    "Accountants",
    "Veterinary Clinic",
    "Legal",
    "Logistics",
    "Architects",
    "Physiotherapy",
    "Estate Agents",
    "Engineering",
    "Primary School",
    "Opticians",
    "Hotel",
)

SUFFIXES: dict[str, tuple[str, ...]] = {
    "UK": ("Ltd", "LLP", "Ltd", "& Co", ""),
    "US": ("Inc.", "LLC", "Group", ""),
    "CA": ("Inc.", "Ltd.", "Group", ""),
    "AU": ("Pty Ltd", "Pty Ltd", "Group", ""),
}

# Names that stress escaping: apostrophes, ampersands, accents, non-Latin-1 letters.
SPECIAL_CUSTOMERS: tuple[tuple[str, str], ...] = (
    ("O'Brien & Søn", "UK"),
    ("Café Müller & Fils Ltd", "UK"),
    ("Smith's Plumbing & Heating", "US"),
    ("Łukasz Nowak Consulting", "UK"),
    ("Boulangerie Côté Inc.", "CA"),
    ('D\'Arcy "Digital" Pty Ltd', "AU"),
)

FIRST_NAMES: tuple[str, ...] = (
    "Amelia", "Oliver", "Priya", "Jack", "Chloé", "Mateusz", "Siobhán", "Liam",
    "Aisha", "Noah", "Zoë", "Ravi", "Grace", "Björn", "Hannah", "Kenji",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Smith", "O'Neill", "Patel", "Jones", "Müller", "Williams", "Nguyen", "Brown",
    "García", "Taylor", "MacDonald", "Wilson", "Ødegaard", "Evans", "Chen", "D'Souza",
)  # fmt: skip

# name, type (0 service, 1 non-stock product, 2 stock product), sell, cost, sku
ITEMS: tuple[tuple[str, int, str, str, str], ...] = (
    ("Managed Services - Per User", 0, "45.00", "0", "MS-USER"),
    ("Managed Services - Per Server", 0, "95.00", "0", "MS-SERVER"),
    ("Remote Support (hourly)", 0, "85.00", "0", "SUP-REMOTE"),
    ("On-site Support (hourly)", 0, "110.00", "0", "SUP-ONSITE"),
    ("Project Engineering (daily)", 0, "650.00", "0", "PRJ-DAY"),
    ("Backup as a Service – per TB", 0, "35.00", "12.00", "BAAS-TB"),
    ("Cyber Security Awareness Training", 0, "4.50", "1.80", "SEC-TRAIN"),
    ("Network Health Check", 0, "350.00", "0", "NET-CHECK"),
    ("Helpdesk Plan – Gold", 0, "1200.00", "0", "HD-GOLD"),
    ("Microsoft 365 Business Premium", 1, "18.10", "15.40", "M365-BP"),
    ("Domain Renewal (.co.uk)", 1, "12.00", "6.00", "DOM-COUK"),
    ("SSL Certificate – Wildcard", 1, "180.00", "110.00", "SSL-WILD"),
    ("Adobe Acrobat Pro Subscription", 1, "16.99", "13.50", "ADOBE-PRO"),
    ("ESET Endpoint Protection", 1, "3.50", "2.10", "ESET-EP"),
    ("Zoom Pro Licence", 1, "13.99", "11.00", "ZOOM-PRO"),
    ("Dell Latitude 5440 Laptop", 2, "949.00", "780.00", "DELL-5440"),
    ("HP EliteDesk 800 G9 Mini", 2, "729.00", "610.00", "HP-800G9"),
    ("Ubiquiti UniFi U6 Pro Access Point", 2, "169.00", "128.00", "UBNT-U6PRO"),
    ("Cat6 Patch Cable 2m", 2, "3.50", "0.90", "CAT6-2M"),
    ("Logitech MX Keys Keyboard", 2, "99.00", "71.00", "LOGI-MXK"),
    ('Samsung 27" Monitor', 2, "229.00", "176.00", "SAM-27"),
    ("APC Back-UPS 700VA", 2, "119.00", "88.00", "APC-700"),
    ("YubiKey 5 NFC", 2, "49.00", "38.00", "YUBI-5NFC"),
    ("Synology DS923+ NAS", 2, "599.00", "489.00", "SYN-923"),
)

# name, contact, country
SUPPLIERS: tuple[tuple[str, str, str], ...] = (
    ("Ingram Micro UK", "Sarah Whitfield", "UK"),
    ("TD SYNNEX", "Marcus Hale", "US"),
    ("Westcoast Ltd", "Imogen Clarke", "UK"),
    ("Dicker Data", "Tom Nguyen", "AU"),
    ("Exertis", "Rhys Morgan", "UK"),
    ("Søren's Cables ApS", "Søren Jørgensen", "UK"),
    ("Pax8", "Dana Ortiz", "US"),
)


def _round_robin_by_type() -> tuple[tuple[str, int, str, str, str], ...]:
    """The catalogue interleaved by item type, so even three items cover every type."""
    groups = [[entry for entry in ITEMS if entry[1] == kind] for kind in (0, 1, 2)]
    ordered = []
    while any(groups):
        for group in groups:
            if group:
                ordered.append(group.pop(0))
    return tuple(ordered)


CATALOGUE = _round_robin_by_type()
