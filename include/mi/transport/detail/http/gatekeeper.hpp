// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// HTTP Basic users and bearer tokens checked in constant time. Part of <mi/transport/http.hpp>.

#include <mi/context.hpp>
#include <mi/transport/detail/base64.hpp>
#include <mi/transport/detail/http/options.hpp>

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mi::http {

namespace detail {

// Secrets compared in time that depends on their lengths only, never on where they first differ.
inline bool same_secret(std::string_view a, std::string_view b) noexcept {
    unsigned char difference = a.size() != b.size();
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i)
        difference |= static_cast<unsigned char>((i < a.size() ? a[i] : 0) ^ (i < b.size() ? b[i] : 0));
    return difference == 0;
}

using mi::transport::detail::base64;

/** Checks `Authorization` against an `access`: the scheme case-insensitively, the credentials in constant
    time against every accepted one (no early exit, so timing tells nothing of which or how close). */
class gatekeeper {
public:
    gatekeeper(access const& a, permission open_grant) : realm_(a.realm), open_grant_(open_grant) {
        for (auto const& u : a.users) accepted_.push_back({"Basic", base64(u.name + ':' + u.password), u.granted});
        for (auto const& t : a.tokens) accepted_.push_back({"Bearer", t.secret, t.granted});
        if (!a.users.empty()) challenges_.push_back("Basic realm=\"" + realm_ + "\"");
        if (!a.tokens.empty()) challenges_.push_back("Bearer realm=\"" + realm_ + "\"");
    }

    bool open() const noexcept { return accepted_.empty(); }

    /** What the request may do: nullopt when it is refused. */
    std::optional<permission> admits(std::string_view authorization) const noexcept {
        if (open()) return open_grant_;
        auto const space = authorization.find(' ');
        if (space == std::string_view::npos) return std::nullopt;
        std::string_view const scheme = authorization.substr(0, space);
        std::string_view credentials = authorization.substr(space + 1);
        while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
        std::optional<permission> granted;
        for (auto const& [accepted_scheme, secret, grants] : accepted_) {
            bool const scheme_matches = boost::beast::iequals(scheme, accepted_scheme);
            bool const secret_matches = same_secret(credentials, secret); // always compared, whatever the scheme
            if (scheme_matches && secret_matches && !granted) granted = grants;
        }
        return granted;
    }

    /** The `WWW-Authenticate` values of a 401. */
    std::vector<std::string> const& challenges() const noexcept { return challenges_; }

private:
    struct credential {
        std::string_view scheme;
        std::string secret;
        permission granted;
    };
    std::string realm_;
    permission open_grant_;
    std::vector<credential> accepted_;
    std::vector<std::string> challenges_;
};

} // namespace detail

} // namespace mi::http
