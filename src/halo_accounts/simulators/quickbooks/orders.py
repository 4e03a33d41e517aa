"""Child order of every ``*Ret`` the simulator writes: the project's encoding of the XSD order.

qbXML is order-sensitive (research §0.4), responses included. These tuples list, in schema
order, the children the simulator fills; anything a record holds that is not listed here is
never written. Tests validate rendered responses against Intuit's XSD, which checks this
table. ``CHILD`` names the order of nested aggregates; any other ``...Ref`` is a list ref.
"""

from __future__ import annotations

__all__ = ["CHILD", "ORDERS"]

_LIST = ("ListID", "TimeCreated", "TimeModified", "EditSequence")
_TXN = ("TxnID", "TimeCreated", "TimeModified", "EditSequence", "TxnNumber")
_PERSON = ("Salutation", "FirstName", "MiddleName", "LastName", "Suffix", "JobTitle")
_COMM = ("Phone", "Mobile", "Pager", "AltPhone", "Fax", "Email", "Cc", "Contact", "AltContact")
_ADDRESS = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode", "Country", "Note")
_SALES_LINE = (
    "TxnLineID", "ItemRef", "Desc", "Quantity", "UnitOfMeasure", "OverrideUOMSetRef", "Rate", "RatePercent",
    "ClassRef", "Amount", "TaxAmount", "InventorySiteRef", "InventorySiteLocationRef", "SerialNumber", "LotNumber",
    "ServiceDate", "SalesTaxCodeRef", "IsTaxable", "Other1", "Other2",
)  # fmt: skip
_SALES_HEAD = (
    "CustomerRef", "ClassRef", "ARAccountRef", "TemplateRef", "TxnDate", "RefNumber", "BillAddress",
    "BillAddressBlock", "ShipAddress", "ShipAddressBlock", "IsPending",
)  # fmt: skip
_SALES_MIDDLE = (
    "PONumber", "TermsRef", "DueDate", "SalesRepRef", "FOB", "ShipDate", "ShipMethodRef", "Subtotal",
    "ItemSalesTaxRef", "SalesTaxPercentage", "SalesTaxTotal",
)  # fmt: skip
_ITEM_HEAD = ("Name", "FullName", "BarCodeValue", "IsActive", "ClassRef", "ParentRef", "Sublevel")

ORDERS: dict[str, tuple[str, ...]] = {
    "Ref": ("ListID", "FullName"),
    "Address": _ADDRESS,
    "AddressBlock": ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5"),
    "HostRet": (
        "ProductName", "MajorVersion", "MinorVersion", "Country", "SupportedQBXMLVersion", "IsAutomaticLogin",
        "QBFileMode",
    ),
    "CompanyRet": (
        "IsSampleCompany", "CompanyName", "LegalCompanyName", "Address", "AddressBlock", "LegalAddress",
        "CompanyAddressForCustomer", "CompanyAddressBlockForCustomer", "Phone", "Fax", "Email",
        "CompanyEmailForCustomer", "CompanyWebSite", "FirstMonthFiscalYear", "FirstMonthIncomeTaxYear", "CompanyType",
        "EIN", "SSN", "TaxForm", "SubscribedServices", "AccountantCopy", "DataExtRet",
    ),
    "DataExtRet": ("OwnerID", "DataExtName", "DataExtType", "DataExtValue"),
    "PreferencesRet": (
        "AccountingPreferences", "FinanceChargePreferences", "JobsAndEstimatesPreferences", "MultiCurrencyPreferences",
        "MultiLocationInventoryPreferences", "PurchasesAndVendorsPreferences", "ReportsPreferences",
        "SalesAndCustomersPreferences", "SalesTaxPreferences", "TimeTrackingPreferences", "CurrentAppAccessRights",
        "ItemsAndInventoryPreferences",
    ),
    "AccountingPreferences": (
        "IsUsingAccountNumbers", "IsRequiringAccounts", "IsUsingClassTracking", "AssignClassesTo",
        "IsUsingAuditTrail", "IsAssigningJournalEntryNumbers", "ClosingDate",
    ),
    "JobsAndEstimatesPreferences": ("IsUsingEstimates", "IsUsingProgressInvoicing", "IsPrintingItemsWithZeroAmounts"),
    "MultiCurrencyPreferences": ("IsMultiCurrencyOn", "HomeCurrencyRef"),
    "PurchasesAndVendorsPreferences": (
        "IsUsingInventory", "DaysBillsAreDue", "IsAutomaticallyUsingDiscounts", "DefaultDiscountAccountRef",
    ),
    "ReportsPreferences": ("AgingReportBasis", "SummaryReportBasis"),
    "SalesAndCustomersPreferences": (
        "DefaultShipMethodRef", "DefaultFOB", "DefaultMarkup", "IsTrackingReimbursedExpensesAsIncome",
        "IsAutoApplyingPayments", "PriceLevels",
    ),
    "PriceLevels": ("IsUsingPriceLevels", "IsRoundingSalesPriceUp"),
    "SalesTaxPreferences": (
        "DefaultItemSalesTaxRef", "PaySalesTax", "DefaultTaxableSalesTaxCodeRef", "DefaultNonTaxableSalesTaxCodeRef",
        "IsUsingVendorTaxCode", "IsUsingCustomerTaxCode", "IsUsingAmountsIncludeTax",
    ),
    "TimeTrackingPreferences": ("FirstDayOfWeek",),
    "CurrentAppAccessRights": ("IsAutomaticLoginAllowed", "AutomaticLoginUserName", "IsPersonalDataAccessAllowed"),
    "CustomerRet": (
        *_LIST, "Name", "FullName", "IsActive", "ClassRef", "ParentRef", "Sublevel", "CompanyName", *_PERSON,
        "BillAddress", "BillAddressBlock", "ShipAddress", "ShipAddressBlock", "PrintAs", *_COMM, "CustomerTypeRef",
        "TermsRef", "SalesRepRef", "Balance", "TotalBalance", "SalesTaxCodeRef", "ItemSalesTaxRef", "SalesTaxCountry",
        "ResaleNumber", "AccountNumber", "CreditLimit", "PreferredPaymentMethodRef", "JobStatus", "JobStartDate",
        "JobProjectedEndDate", "JobEndDate", "JobDesc", "JobTypeRef", "Notes", "IsStatementWithParent",
        "DeliveryMethod", "PreferredDeliveryMethod", "PriceLevelRef", "ExternalGUID", "TaxRegistrationNumber",
        "CurrencyRef",
    ),
    "VendorRet": (
        *_LIST, "Name", "IsActive", "ClassRef", "IsTaxAgency", "CompanyName", *_PERSON, "VendorAddress",
        "VendorAddressBlock", "ShipAddress", *_COMM, "NameOnCheck", "AccountNumber", "Notes", "VendorTypeRef",
        "TermsRef", "CreditLimit", "VendorTaxIdent", "IsVendorEligibleFor1099", "Balance", "BillingRateRef",
        "ExternalGUID", "SalesTaxCodeRef", "SalesTaxCountry", "IsSalesTaxAgency", "SalesTaxReturnRef",
        "TaxRegistrationNumber", "ReportingPeriod", "IsTaxTrackedOnPurchases", "TaxOnPurchasesAccountRef",
        "IsTaxTrackedOnSales", "TaxOnSalesAccountRef", "IsTaxOnTax", "PrefillAccountRef", "CurrencyRef",
    ),
    "ItemServiceRet": (
        *_LIST, *_ITEM_HEAD, "UnitOfMeasureSetRef", "IsTaxIncluded", "SalesTaxCodeRef", "SalesOrPurchase",
        "SalesAndPurchase", "ExternalGUID",
    ),
    "ItemNonInventoryRet": (
        *_LIST, *_ITEM_HEAD, "ManufacturerPartNumber", "UnitOfMeasureSetRef", "IsTaxIncluded", "SalesTaxCodeRef",
        "SalesOrPurchase", "SalesAndPurchase", "ExternalGUID",
    ),
    "ItemInventoryRet": (
        *_LIST, *_ITEM_HEAD, "ManufacturerPartNumber", "UnitOfMeasureSetRef", "IsTaxIncluded", "SalesTaxCodeRef",
        "SalesDesc", "SalesPrice", "IncomeAccountRef", "PurchaseDesc", "PurchaseCost", "PurchaseTaxCodeRef",
        "COGSAccountRef", "PrefVendorRef", "AssetAccountRef", "ReorderPoint", "Max", "QuantityOnHand", "AverageCost",
        "QuantityOnOrder", "QuantityOnSalesOrder", "ExternalGUID",
    ),
    "SalesOrPurchase": ("Desc", "Price", "PricePercent", "AccountRef"),
    "SalesAndPurchase": (
        "SalesDesc", "SalesPrice", "IncomeAccountRef", "PurchaseDesc", "PurchaseCost", "PurchaseTaxCodeRef",
        "ExpenseAccountRef", "PrefVendorRef",
    ),
    "ItemSalesTaxRet": (
        *_LIST, "Name", "BarCodeValue", "IsActive", "ClassRef", "ItemDesc", "TaxRate", "TaxVendorRef",
        "SalesTaxReturnLineRef", "ExternalGUID",
    ),
    "ItemSalesTaxGroupRet": (*_LIST, "Name", "BarCodeValue", "IsActive", "ItemDesc", "ExternalGUID", "ItemSalesTaxRef"),
    "SalesTaxCodeRet": (*_LIST, "Name", "IsActive", "IsTaxable", "Desc", "ItemPurchaseTaxRef", "ItemSalesTaxRef"),
    "AccountRet": (
        *_LIST, "Name", "FullName", "IsActive", "ParentRef", "Sublevel", "AccountType", "DetailAccountType",
        "SpecialAccountType", "IsTaxAccount", "AccountNumber", "BankNumber", "LastCheckNumber", "Desc", "Balance",
        "TotalBalance", "SalesTaxCodeRef", "TaxLineInfoRet", "CashFlowClassification", "CurrencyRef",
    ),
    "StandardTermsRet": (*_LIST, "Name", "IsActive", "StdDueDays", "StdDiscountDays", "DiscountPct"),
    "ClassRet": (*_LIST, "Name", "FullName", "IsActive", "ParentRef", "Sublevel"),
    "InvoiceRet": (
        *_TXN, *_SALES_HEAD, "IsFinanceCharge", *_SALES_MIDDLE, "AppliedAmount", "BalanceRemaining", "CurrencyRef",
        "ExchangeRate", "BalanceRemainingInHomeCurrency", "Memo", "IsPaid", "CustomerMsgRef", "IsToBePrinted",
        "IsToBeEmailed", "IsTaxIncluded", "CustomerSalesTaxCodeRef", "SuggestedDiscountAmount",
        "SuggestedDiscountDate", "Other", "ExternalGUID", "LinkedTxn", "InvoiceLineRet",
    ),
    "CreditMemoRet": (
        *_TXN, *_SALES_HEAD, *_SALES_MIDDLE, "TotalAmount", "CreditRemaining", "CurrencyRef", "ExchangeRate",
        "CreditRemainingInHomeCurrency", "Memo", "CustomerMsgRef", "IsToBePrinted", "IsToBeEmailed", "IsTaxIncluded",
        "CustomerSalesTaxCodeRef", "Other", "ExternalGUID", "LinkedTxn", "CreditMemoLineRet",
    ),
    "InvoiceLineRet": _SALES_LINE,
    "CreditMemoLineRet": _SALES_LINE,
    "LinkedTxn": ("TxnID", "TxnType", "TxnDate", "RefNumber", "LinkType", "Amount"),
    "ReceivePaymentRet": (
        *_TXN, "CustomerRef", "ARAccountRef", "TxnDate", "RefNumber", "TotalAmount", "CurrencyRef", "ExchangeRate",
        "TotalAmountInHomeCurrency", "PaymentMethodRef", "Memo", "DepositToAccountRef", "UnusedPayment",
        "UnusedCredits", "ExternalGUID", "AppliedToTxnRet",
    ),
    "AppliedToTxnRet": (
        "TxnID", "TxnType", "TxnDate", "RefNumber", "BalanceRemaining", "Amount", "DiscountAmount",
        "DiscountAccountRef", "DiscountClassRef",
    ),
    "PurchaseOrderRet": (
        *_TXN, "VendorRef", "ClassRef", "InventorySiteRef", "ShipToEntityRef", "TemplateRef", "TxnDate", "RefNumber",
        "VendorAddress", "VendorAddressBlock", "ShipAddress", "ShipAddressBlock", "TermsRef", "DueDate",
        "ExpectedDate", "ShipMethodRef", "FOB", "TotalAmount", "CurrencyRef", "ExchangeRate",
        "TotalAmountInHomeCurrency", "IsManuallyClosed", "IsFullyReceived", "Memo", "VendorMsg", "IsToBePrinted",
        "IsToBeEmailed", "IsTaxIncluded", "SalesTaxCodeRef", "Other1", "Other2", "ExternalGUID", "LinkedTxn",
        "PurchaseOrderLineRet",
    ),
    "PurchaseOrderLineRet": (
        "TxnLineID", "ItemRef", "ManufacturerPartNumber", "Desc", "Quantity", "UnitOfMeasure", "OverrideUOMSetRef",
        "Rate", "ClassRef", "Amount", "TaxAmount", "InventorySiteLocationRef", "CustomerRef", "ServiceDate",
        "SalesTaxCodeRef", "ReceivedQuantity", "UnbilledQuantity", "IsBilled", "IsManuallyClosed", "Other1",
        "Other2",
    ),
    "ListDeletedRet": ("ListDelType", "ListID", "TimeCreated", "TimeDeleted", "FullName"),
    "TxnDeletedRet": ("TxnDelType", "TxnID", "TimeCreated", "TimeDeleted", "RefNumber"),
}  # fmt: skip

# Nested aggregates whose order is not simply their own name.
CHILD: dict[str, str] = {
    "BillAddress": "Address",
    "ShipAddress": "Address",
    "VendorAddress": "Address",
    "Address": "Address",
    "LegalAddress": "Address",
    "CompanyAddressForCustomer": "Address",
    "BillAddressBlock": "AddressBlock",
    "ShipAddressBlock": "AddressBlock",
    "VendorAddressBlock": "AddressBlock",
    "AddressBlock": "AddressBlock",
    "CompanyAddressBlockForCustomer": "AddressBlock",
}
