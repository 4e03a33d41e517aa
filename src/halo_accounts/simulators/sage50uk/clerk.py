"""What someone does by hand in a simulated Sage 50 UK company, through SDO as any other program would."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from halo_accounts.simulators.sage50uk.company import SageCompany
from halo_accounts.simulators.sage50uk.sdo import SDOEngine

__all__ = ["receive_payment"]


def receive_payment(
    company: SageCompany, header_number: int, amount: Decimal, day: date, *, bank: str = "1200"
) -> None:
    """A customer pays: a receipt (SR) into ``bank``, allocated to the invoice's splits in turn."""
    engine = SDOEngine({company.data_path: company}, version=company.version)
    workspace = engine.Workspaces.Add("Accounts clerk")
    user = next(iter(company.users))
    if not workspace.Connect(company.data_path, user, company.users[user], "clerk"):
        raise RuntimeError(engine.LastError.Text)
    when = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - COM dates carry no zone
    try:
        headers = workspace.CreateObject("HeaderData")
        if not headers.Read(header_number):
            msg = f"no posting {header_number}"
            raise RuntimeError(msg)
        post = workspace.CreateObject("TransactionPost")
        account = headers.Fields.Item("ACCOUNT_REF").Value
        for name, value in (("ACCOUNT_REF", account), ("DATE", when), ("TYPE", 3), ("DETAILS", "Sales Receipt")):
            post.Header.Fields.Item(name).Value = value
        split = post.Items.Add().Fields
        for name, value in (("NOMINAL_CODE", bank), ("NET_AMOUNT", float(amount)), ("TAX_CODE", 9)):
            split.Item(name).Value = value
        if not post.Update():
            raise RuntimeError(engine.LastError.Text)
        headers.Read(post.PostingNumber)
        receipt_split = headers.Fields.Item("FIRST_SPLIT").Value
        headers.Read(header_number)
        splits, left = headers.Link, amount
        splits.MoveFirst()
        while left > 0 and not splits.IsEOF:
            fields = splits.Fields
            owed = Decimal(str(fields.Item("NET_AMOUNT").Value)) + Decimal(str(fields.Item("TAX_AMOUNT").Value))
            part = min(left, owed - Decimal(str(fields.Item("AMOUNT_PAID").Value)))
            if part > 0:
                if not workspace.CreateObject("TransactionPost").AllocatePayment(
                    splits.RecordNumber, receipt_split, float(part), when
                ):
                    raise RuntimeError(engine.LastError.Text)
                left -= part
            splits.MoveNext()
    finally:
        workspace.Disconnect()
