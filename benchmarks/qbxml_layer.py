"""Benchmark: building, validating and parsing qbXML, on one core, without QuickBooks.

Prints one JSON line: invoice requests built per second (each a full InvoiceAdd with 3 lines),
messages validated against Intuit's XSD per second when the reference folder is present, and
response objects parsed per second. The layer must not be the bottleneck of a sync: thousands
of requests per second.

    python benchmarks/qbxml_layer.py --requests 20000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from lxml import etree
from measure import peak_rss_mb

from halo_accounts.connectors.quickbooks.qbxml import Edition, Ref, Version, build_message, parse_message
from halo_accounts.connectors.quickbooks.qbxml.records import LineRefs, invoice_request
from halo_accounts.domain import Invoice, InvoiceLine

XSD = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "qbxml" / "13.0" / "qbxmlops130.xsd"


def invoice(number: int) -> Invoice:
    lines = tuple(
        InvoiceLine(
            quantity=Decimal(q), unit_price=Decimal("87.35"), description=f"Support {q}", item_halo_id=1, tax_halo_id=10
        )
        for q in ("1", "2.5", "0.25")
    )
    return Invoice(
        halo_id=number,
        number=f"INV-{number}",
        customer_halo_id=1,
        invoice_date=date(2026, 11, 1),
        lines=lines,
        total=Decimal("327.56"),
    )


def response(count: int) -> str:
    rets = "".join(
        f"<InvoiceRet><TxnID>{i:X}-1446673838</TxnID><TimeCreated>2026-11-01T10:00:00-08:00</TimeCreated>"
        f"<TimeModified>2026-11-01T10:00:00-08:00</TimeModified><EditSequence>1446676750</EditSequence>"
        f"<CustomerRef><ListID>80000001-1446673838</ListID><FullName>Acme</FullName></CustomerRef>"
        f"<TxnDate>2026-11-01</TxnDate><RefNumber>INV-{i}</RefNumber><Subtotal>327.56</Subtotal>"
        f"<BalanceRemaining>327.56</BalanceRemaining><IsPaid>false</IsPaid></InvoiceRet>"
        for i in range(count)
    )
    return (
        '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><InvoiceQueryRs requestID="1" statusCode="0" '
        f'statusSeverity="Info" statusMessage="Status OK">{rets}</InvoiceQueryRs></QBXMLMsgsRs></QBXML>'
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args(argv)
    refs = LineRefs(items={1: Ref(list_id="80000010-1446673838")}, tax_codes={10: Ref(full_name="S")})
    records = [invoice(n) for n in range(args.requests)]

    started = time.perf_counter()
    messages = []
    for start in range(0, len(records), args.batch):
        batch = [
            invoice_request(
                r,
                customer=Ref(list_id="80000001-1446673838"),
                lines=refs,
                ref_number=r.number,
                request_id=str(r.halo_id),
            )
            for r in records[start : start + args.batch]
        ]
        messages.append(build_message(batch, edition=Edition.UK, version=Version(13, 0), on_error="continueOnError"))
    built = time.perf_counter() - started

    validated_per_second = None
    if XSD.exists():
        schema = etree.XMLSchema(etree.parse(str(XSD)))
        started = time.perf_counter()
        assert all(schema.validate(etree.fromstring(m.encode())) for m in messages)
        validated_per_second = round(args.requests / (time.perf_counter() - started))

    answer = response(args.batch)
    started = time.perf_counter()
    parsed = 0
    for _ in range(len(messages)):
        for rs in parse_message(answer):
            parsed += sum(1 for o in rs.objects if o.text("TxnID"))
    parse_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "benchmark": "qbxml_layer",
                "requests": args.requests,
                "messages": len(messages),
                "requests_built_per_second": round(args.requests / built),
                "requests_validated_per_second": validated_per_second,
                "objects_parsed_per_second": round(parsed / parse_seconds),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
