// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// A Prometheus endpoint of the HTTP server: the daemon's mi::statistics under their own root (default
// `/metrics`, as OpenSIPS's prometheus module), named as that module names them.

#include <mi/statistics.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/detail/prometheus/exposition.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace mi::prometheus {

/** The endpoint's root and the naming of what it serves. */
struct options {
    std::string root = "metrics"; ///< OpenSIPS's `root`
    prometheus::naming naming;
    /** Answer OpenMetrics 1.0.0 to a scraper that asks for it (Prometheus does). Off by default: there a
        counter's samples end in `_total`, so that the series Prometheus stores are no longer the ones that
        dashboards written for OpenSIPS (which serves only the text format) query. */
    bool openmetrics = false;
};

inline constexpr std::string_view text_type = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view openmetrics_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/** Which format a scraper's Accept header asks for: OpenMetrics when it names `application/openmetrics-text`
    (Prometheus does, ahead of the text format), the text format otherwise. */
inline format negotiated(std::string_view accept) noexcept {
    return accept.find("application/openmetrics-text") != std::string_view::npos ? format::openmetrics : format::text;
}

/** Serves `GET /metrics`: the statistics, read when the scrape comes, in the text format (or OpenMetrics, see
    options::openmetrics). Any other method is 405. Behind the
    server's credentials like every root, so a scraper is given a read-only token:

        mi::http::options o;
        o.access.tokens.emplace_back("scraper-secret", mi::permission::read);
        mi::http::server http(io, dispatcher, o, mi::prometheus::endpoint(stats));

    The statistics must outlive the endpoint. Throws std::invalid_argument for a group label that is not a
    label name. */
class endpoint {
public:
    explicit endpoint(statistics const& stats, options o = {})
        : stats_(&stats), root_(mi::http::detail::trim_root(o.root)), naming_(std::move(o.naming)),
          openmetrics_(o.openmetrics) {
        detail::check(naming_); // now rather than at the first scrape
    }

    std::string_view root() const noexcept { return root_; }
    static constexpr std::string_view name() noexcept { return "the Prometheus endpoint"; }

    /** HEAD too, which some health checks send. */
    static bool accepts(mi::http::beast_http::verb method) noexcept { return method == mi::http::beast_http::verb::head; }

    mi::http::routing route(mi::http::request_view const& r, std::string&) const {
        using mi::http::beast_http::status;
        using mi::http::beast_http::verb;
        if (r.method != verb::get && r.method != verb::head)
            return {{}, mi::http::method_not_allowed("GET, HEAD", text_type)};
        auto const f = openmetrics_ ? negotiated(r.accept) : format::text;
        return {{}, {status::ok, f == format::openmetrics ? openmetrics_type : text_type, exposition(*stats_, naming_, f)}};
    }

    // Never called: route answers every request itself.
    mi::http::reply render(mi::http::request_view const&, answer_kind, std::string&&) const {
        return {mi::http::beast_http::status::internal_server_error, text_type, {}};
    }

private:
    statistics const* stats_;
    std::string root_;
    prometheus::naming naming_;
    bool openmetrics_;
};

static_assert(mi::http::endpoint<endpoint>);

} // namespace mi::prometheus
