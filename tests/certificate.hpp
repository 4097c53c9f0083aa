// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// A self-signed certificate for 127.0.0.1, made by the openssl tool for one test run.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <stdlib.h>

namespace mi_test {

// The certificate and its key in a fresh directory, removed with it.
struct certificate {
    std::filesystem::path dir;
    std::string cert, key;

    certificate() {
        char pattern[] = "/tmp/mi_certificate_XXXXXX";
        BOOST_REQUIRE(::mkdtemp(pattern));
        dir = pattern;
        cert = (dir / "cert.pem").string();
        key = (dir / "key.pem").string();
        std::string const command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                                    "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " + key +
                                    " -out " + cert + " 2>/dev/null";
        BOOST_REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "the openssl tool could not make a certificate");
    }
    ~certificate() { std::filesystem::remove_all(dir); }
    certificate(certificate const&) = delete;
    certificate& operator=(certificate const&) = delete;
};

} // namespace mi_test
