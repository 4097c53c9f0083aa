#!/usr/bin/env python3
# Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
# SPDX-License-Identifier: BSL-1.0
"""XML-RPC (spec 6.5) against the real mi_daemon with python3's xmlrpc.client: positional and named calls,
arrays, every fault code, nested results, unicode; hostile documents (billion laughs, external entities) get a
fault at once and the daemon stays well.

usage: xmlrpc_test.py PATH/TO/mi_daemon"""

import http.client
import json
import os
import sys
import tempfile
import time
import unittest
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_test  # noqa: E402  (the Daemon launcher shared by the integration tests)


class XmlRpcTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mi_xmlrpc_test_")
        cls.d = daemon_test.Daemon(cls.tmp.name, extra=["--xmlrpc"])
        cls.url = f"http://127.0.0.1:{cls.d.http_port}/RPC2"
        cls.rpc = xmlrpc.client.ServerProxy(cls.url)

    @classmethod
    def tearDownClass(cls):
        cls.rpc("close")()
        cls.d.stop()
        cls.tmp.cleanup()

    def fault(self, call):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            call()
        return caught.exception.faultCode, caught.exception.faultString

    def post(self, body, method="POST", content_type="text/xml"):
        connection = http.client.HTTPConnection("127.0.0.1", self.d.http_port, timeout=10)
        try:
            headers = {"Content-Type": content_type} if content_type else {}
            connection.request(method, "/RPC2", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type"), response.read().decode()
        finally:
            connection.close()

    def test_positional_and_named_calls(self):
        self.assertEqual(self.rpc.log_level(3), {"New global log level": 3})
        self.assertEqual(self.rpc.log_level({"level": 2}), {"New global log level": 2})
        self.assertEqual(self.rpc.cache_store("local", "k", "v", 60), "OK")
        self.assertEqual(self.rpc.cache_fetch({"system": "local", "attr": "k"}), {"key": "k", "value": "v"})
        self.assertIn("log_level", self.rpc.which())

    def test_arrays_positional_and_named(self):
        positional = self.rpc.get_statistics(["core:", "mi:"])
        self.assertIn("core:rcv_requests", positional)
        self.assertIsInstance(positional["core:rcv_requests"], int)
        named = self.rpc.get_statistics({"statistics": ["rcv_requests", "errors"]})
        self.assertEqual(set(named), {"core:rcv_requests", "mi:errors"})

    def test_a_result_with_nested_structs_and_arrays(self):
        ps = self.rpc.ps()
        self.assertIsInstance(ps["Processes"], list)
        self.assertTrue(all(isinstance(p, dict) and "ID" in p for p in ps["Processes"]), ps)
        self.assertEqual(list(self.rpc.version()), ["Server"])

    def test_unicode_strings_both_ways(self):
        value = "caf\u00e9 \u65e5\u672c \U0001F600 <&>\"'"
        self.assertEqual(self.rpc.cache_store("local", "u", value), "OK")
        self.assertEqual(self.rpc.cache_fetch("local", "u"), {"key": "u", "value": value})

    def test_types_opensips_lacks(self):
        # bool, float and None are extensions over OpenSIPS (which answers -32600): they reach the handler,
        # which rejects what it cannot take with its own error
        code, _ = self.fault(lambda: self.rpc.log_level(True))
        self.assertEqual(code, -32602)
        self.assertEqual(self.rpc.log_level(4.0), {"New global log level": 4})
        with xmlrpc.client.ServerProxy(self.url, allow_none=True) as with_nil:
            code, _ = self.fault(lambda: with_nil.cache_store("local", "n", "x", None))  # null where seconds go
        self.assertEqual(code, -32602)

    def test_every_fault_code(self):
        self.assertEqual(self.fault(lambda: self.rpc.nosuch()), (-32601, "server error. requested method not found"))
        self.assertEqual(self.fault(lambda: self.rpc.log_level("x")), (-32602, "server error. invalid method parameters"))
        self.assertEqual(self.fault(lambda: self.rpc.log_level(1, 2, 3)), (-32602, "server error. invalid method parameters"))
        self.assertEqual(self.fault(lambda: self.rpc.cache_fetch("local", "absent")), (400, "Value not found"))
        self.assertEqual(self.fault(lambda: self.rpc.cache_store("redis", "k", "v")), (500, "Cache store command failed"))
        self.assertEqual(self.fault(lambda: self.rpc.log_level(xmlrpc.client.Binary(b"4"))),
                         (-32600, "server error. invalid xml-rpc. not conforming to spec."))
        self.assertEqual(self.fault(lambda: self.rpc.log_level({})),
                         (-32600, "server error. invalid xml-rpc. not conforming to spec."))
        status, ctype, body = self.post("<methodCall><methodName>ps</methodName>")
        self.assertEqual((status, ctype), (200, "text/xml; charset=utf-8"))
        self.assertEqual(self.fault_of(body), (32700, "parse error. not well formed"))

    @staticmethod
    def fault_of(body):
        try:
            xmlrpc.client.loads(body)
        except xmlrpc.client.Fault as f:
            return f.faultCode, f.faultString
        raise AssertionError("not a fault: " + body)

    def test_the_exact_response_bytes(self):
        status, ctype, body = self.post(xmlrpc.client.dumps((2,), "log_level"))
        self.assertEqual((status, ctype), (200, "text/xml; charset=utf-8"))
        self.assertEqual(body, '<?xml version="1.0" encoding="UTF-8"?>\r\n<methodResponse>\r\n<params><param>\r\n'
                               '<value><struct><member><name>New global log level</name><value><int>2</int></value>'
                               '</member></struct></value></param></params>\r\n</methodResponse>\r\n')

    def test_http_level_answers(self):
        self.assertEqual(self.post("", method="GET")[0], 405)
        self.assertEqual(self.post("", method="POST")[0], 400)
        self.assertEqual(self.post("<x/>", method="PUT")[0], 406)

    def test_hostile_documents_get_a_fault_at_once_and_the_daemon_stays_well(self):
        laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10)
                            for i in range(1, 10))
                  + ']><methodCall><methodName>cache_store</methodName><params><param><value><string>&lol9;'
                    '</string></value></param></params></methodCall>')
        external = ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    '<methodCall><methodName>cache_store</methodName><params><param><value><string>&x;</string>'
                    '</value></param></params></methodCall>')
        for name, document in (("billion laughs", laughs), ("external entity", external)):
            with self.subTest(document=name):
                started = time.monotonic()
                status, _, body = self.post(document)
                self.assertLess(time.monotonic() - started, 1.0)
                self.assertEqual(status, 200)
                self.assertEqual(self.fault_of(body), (32700, "parse error. not well formed"))
                self.assertNotIn("root:", body)
        self.assertEqual(self.rpc.log_level(3), {"New global log level": 3})


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    daemon_test.DAEMON = sys.argv.pop(1)
    unittest.main(verbosity=2)
