"""Loads a WSDL file with zeep and prints its operations and their input elements as JSON (test support).

Usage: zeep_operations.py <wsdl path>
"""
import json
import sys

import zeep

client = zeep.Client(sys.argv[1])
out = {}
for service in client.wsdl.services.values():
    for port in service.ports.values():
        for name, operation in port.binding._operations.items():
            out[name] = {
                "soapAction": operation.soapaction,
                "input": operation.input.body.qname.localname if operation.input.body is not None else None,
            }
print(json.dumps(out, sort_keys=True))
