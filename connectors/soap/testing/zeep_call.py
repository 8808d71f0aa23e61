"""Calls the hub's callback service with zeep, an independent SOAP toolkit (test support).

Usage: zeep_call.py <wsdl url> <username> <password> <message id>
Loads the WSDL as served, sends NotifyBurialAuthorisationDecision with the header blocks and a
WS-Security UsernameToken (PasswordDigest), prints the Ack (header id, requestHash, receivedAt) as JSON.
"""
import json
import sys

import zeep
from zeep.wsse.username import UsernameToken

wsdl_url, username, password, message_id = sys.argv[1:5]
client = zeep.Client(wsdl_url, wsse=UsernameToken(username, password, use_digest=True))
headers = {
    "client": "MI/ETATCIVIL",
    "service": "MAEC/ECONSULAT/NotifyBurialAuthorisationDecision",
    "id": message_id,
    "userId": "MI-SYSTEM",
    "issue": "REP-MAD-2026-000042",
    "protocolVersion": "1.0",
}
ack = client.service.NotifyBurialAuthorisationDecision(
    ticket="MI-INH-2026-000042",
    caseReference="REP-MAD-2026-000042",
    decision="REFUSED",
    reason="IDENTITY_MISMATCH",
    _soapheaders=headers,
)
# With header parts declared on the output, zeep returns {header, body}.
print(json.dumps({
    "id": ack["header"]["id"],
    "requestHash": ack["header"]["requestHash"],
    "receivedAt": ack["body"]["receivedAt"].isoformat(),
}))
