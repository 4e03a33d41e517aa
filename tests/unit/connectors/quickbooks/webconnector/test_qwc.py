"""The ``.qwc`` file: the elements the Web Connector reads, stable GUIDs (QBWC1039), https, escaping."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from lxml import etree

from halo_accounts.connectors.quickbooks.transports.webconnector.qwc import QwcFile, file_id, owner_id, qwc_xml
from halo_accounts.errors import ConfigError

INSTALLATION = "3b1c2a9e-7d44-4f0e-9a51-0c6d8e2f1b77"
GUID = re.compile(r"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$")
BASE = QwcFile(
    company="Northwind IT",
    app_url="https://integrator.example.lan:8443/qbwc",
    username="halo-northwind",
    installation_id=INSTALLATION,
)


def parse(qwc):
    root = etree.fromstring(qwc_xml(qwc).encode("utf-8"))
    assert root.tag == "QBWCXML"
    return root


def test_the_file_has_every_element_the_web_connector_reads():
    root = parse(BASE)
    assert [child.tag for child in root] == [
        "AppName",
        "AppID",
        "AppURL",
        "AppDescription",
        "AppSupport",
        "UserName",
        "OwnerID",
        "FileID",
        "QBType",
        "Scheduler",
        "IsReadOnly",
        "AuthFlags",
    ]
    assert root.findtext("AppName") == "Halo Accounts Integrator - Northwind IT"
    assert (root.findtext("AppID") or "") == ""
    assert root.findtext("AppURL") == "https://integrator.example.lan:8443/qbwc"
    assert "Northwind IT" in root.findtext("AppDescription")
    assert root.findtext("UserName") == "halo-northwind"
    assert root.findtext("QBType") == "QBFS"
    assert root.findtext("Scheduler/RunEveryNMinutes") == "15"
    assert root.findtext("IsReadOnly") == "false"
    assert root.findtext("AuthFlags") == "0xF"


def test_no_password_is_ever_in_the_file():
    text = qwc_xml(BASE)
    assert "Password" not in text
    assert "<Style>" not in text  # Document, the default, is what the server expects


def test_app_support_is_on_the_same_host_as_app_url():
    for url in ("https://integrator.example.lan:8443/qbwc", "http://localhost:8080/deep/path/qbwc?x=1"):
        root = parse(replace(BASE, app_url=url))
        support, app = urlsplit(root.findtext("AppSupport")), urlsplit(root.findtext("AppURL"))
        assert (support.scheme, support.netloc) == (app.scheme, app.netloc)
        assert support.path


def test_guids_are_braced_upper_case_and_stable():
    root = parse(BASE)
    owner, file = root.findtext("OwnerID"), root.findtext("FileID")
    assert GUID.match(owner), owner
    assert GUID.match(file), file
    assert owner != file
    again = parse(BASE)
    assert (again.findtext("OwnerID"), again.findtext("FileID")) == (owner, file)
    assert owner == owner_id(INSTALLATION)
    assert file == file_id(INSTALLATION, "Northwind IT")


def test_owner_id_is_one_per_installation():
    southwind = parse(replace(BASE, company="Southwind Ltd", username="halo-southwind"))
    assert southwind.findtext("OwnerID") == parse(BASE).findtext("OwnerID")
    other_install = parse(replace(BASE, installation_id="another-installation"))
    assert other_install.findtext("OwnerID") != parse(BASE).findtext("OwnerID")


def test_file_id_is_one_per_company_and_differs_across_companies():
    """Two companies sharing a FileID would collide in QuickBooks (QBWC1039); one company must keep its own."""
    ids = {file_id(INSTALLATION, name) for name in ("Northwind IT", "Southwind Ltd", "Northwind IT 2", "Northwind")}
    assert len(ids) == 4
    assert file_id(INSTALLATION, "Northwind IT") == file_id(INSTALLATION, "Northwind IT")
    assert file_id("another-installation", "Northwind IT") != file_id(INSTALLATION, "Northwind IT")
    # Re-downloading the file (new URL, schedule or user) keeps the pair.
    moved = parse(replace(BASE, app_url="https://books.example.lan/qbwc", run_every_minutes=60, username="x"))
    assert (moved.findtext("OwnerID"), moved.findtext("FileID")) == (
        parse(BASE).findtext("OwnerID"),
        parse(BASE).findtext("FileID"),
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://integrator.example.lan:8080/qbwc",
        "http://192.168.1.20:8080/qbwc",
        "http://localhost.example.com/qbwc",
        "http://QUICKBOOKS-PC/qbwc",
    ],
)
def test_plain_http_is_refused_for_other_computers(url):
    with pytest.raises(ConfigError) as caught:
        qwc_xml(replace(BASE, app_url=url))
    message = caught.value.user_message
    assert "https://" in message
    assert "--certfile" in message
    assert url in message


@pytest.mark.parametrize("url", ["http://localhost:8080/qbwc", "http://127.0.0.1:8080/qbwc", "http://[::1]:8080/qbwc"])
def test_plain_http_is_allowed_on_this_computer(url):
    assert parse(replace(BASE, app_url=url)).findtext("AppURL") == url


@pytest.mark.parametrize(
    "url", ["integrator.example.lan/qbwc", "ftp://integrator.example.lan/qbwc", "https:///qbwc", ""]
)
def test_an_address_that_is_not_a_web_url_is_refused(url):
    with pytest.raises(ConfigError, match="full URL"):
        qwc_xml(replace(BASE, app_url=url))


def test_ampersands_and_angle_brackets_are_escaped():
    qwc = replace(BASE, company="Smith & Sons <UK>", username="smith&sons")
    text = qwc_xml(qwc)
    assert "Smith &amp; Sons &lt;UK&gt;" in text
    assert "Smith & Sons" not in text
    root = parse(qwc)
    assert root.findtext("AppName") == "Halo Accounts Integrator - Smith & Sons <UK>"
    assert root.findtext("UserName") == "smith&sons"
    assert "Smith & Sons <UK>" in root.findtext("AppDescription")


def test_an_ampersand_in_the_url_query_is_escaped():
    root = parse(replace(BASE, app_url="https://integrator.example.lan/qbwc?a=1&b=2"))
    assert root.findtext("AppURL") == "https://integrator.example.lan/qbwc?a=1&b=2"


@pytest.mark.parametrize("minutes", [1, 60, 1440])
def test_the_schedule_in_range(minutes):
    assert parse(replace(BASE, run_every_minutes=minutes)).findtext("Scheduler/RunEveryNMinutes") == str(minutes)


@pytest.mark.parametrize("minutes", [0, -5, 1441, 100_000])
def test_the_schedule_out_of_range_is_refused(minutes):
    with pytest.raises(ConfigError, match="between 1 and 1440"):
        qwc_xml(replace(BASE, run_every_minutes=minutes))
