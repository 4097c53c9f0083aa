// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// A page to manage the daemon from a browser, with mi_html's URL layout (spec 6.4), as an endpoint of the
// HTTP server under its own root. Beyond OpenSIPS's bare page: each command shows its help and one form per
// recipe with an input per parameter (from the compile-time schema), results are indented JSON, errors are
// shown as errors. No JavaScript; every byte from a request or a result is HTML-escaped.

#include <mi/error.hpp>
#include <mi/introspection.hpp>
#include <mi/jsonrpc.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/detail/html/submission.hpp>
#include <mi/transport/detail/html/text.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mi::html {

struct options {
    std::string root = "mi";      ///< mi_html's `root`; must differ from the JSON-RPC endpoint's
    bool post_forms = false;      ///< mi_html's `http_method`: forms use GET (false) or POST (true)
    std::string ungrouped = "commands"; ///< the URL segment of commands in a set without modules
};

/** The browser interface (spec 6.4's URLs): `/mi` lists the modules and every command, `/mi/MODULE` the
    commands of a module, `/mi/MODULE/COMMAND` a command's help and a form per recipe, and
    `/mi/MODULE/COMMAND?arg=JSON` (or a POSTed form) runs it. `arg` holds the whole params value as JSON, as in
    OpenSIPS; the per-recipe forms send one field per parameter of their recipe instead (`param.NAME`: a string
    parameter takes the text as typed, any other the text read as JSON when it parses, else as a string; a
    required one left empty is 400, never another recipe). Unknown modules and commands are 406, an `arg` that
    is not JSON 500, a JSON-RPC error a 200 page showing the error; every page is readable HTML and keeps the
    command's forms with what was typed.

        mi::http::server http(io, dispatcher, {.root = "mi"}, mi::html::page(dispatcher.schema(), {.root = "html"}));

    The introspection must outlive the page (a dispatcher's does, as long as the dispatcher lives). */
class page {
public:
    explicit page(introspection const& schema, options o = {})
        : schema_(&schema), root_(mi::http::detail::trim_root(o.root)), post_forms_(o.post_forms),
          ungrouped_(std::move(o.ungrouped)), modules_(module_names()), since_(std::chrono::system_clock::now()) {}

    std::string_view root() const noexcept { return root_; }
    static constexpr std::string_view name() noexcept { return "the HTML page"; }

    mi::http::routing route(mi::http::request_view const& r, std::string& scratch) const {
        using mi::http::beast_http::status;
        auto const where = locate(r.target);
        if (!where) return {{}, problem("Unable to parse URL!", "There is no such module or command here.")};
        if (!where->command) return {{}, page_for(*where)};
        auto const sent = detail::read_submission(*where->command, r);
        switch (sent.what) {
        case detail::submission::show: return {{}, page_for(*where)};
        case detail::submission::bad_arg:
            return {{}, page_for(*where, &sent, nullptr, status::internal_server_error,
                                 notice{"Internal server error!", "The arg field is not JSON; it holds the params "
                                                                  "as an array or an object."})};
        case detail::submission::incomplete:
            return {{}, page_for(*where, &sent, nullptr, status::bad_request,
                                 notice{"Missing parameter", "This form needs '" + sent.missing +
                                                                 "'; fill it in, or use the form without it."})};
        case detail::submission::run: break;
        }
        boost::json::object request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", where->command->canonical}};
        if (!sent.params.is_null()) request["params"] = sent.params;
        scratch = boost::json::serialize(request);
        return {scratch, {}};
    }

    mi::http::reply render(mi::http::request_view const& r, answer_kind kind, std::string&& text) const {
        using mi::http::beast_http::status;
        auto const where = locate(r.target);
        if (!where || !where->command) return problem("Internal server error!", "There is no such command here.");
        auto const sent = detail::read_submission(*where->command, r);
        if (kind == answer_kind::failed)
            return page_for(*where, &sent, nullptr, status::internal_server_error,
                            notice{"Internal server error!", "The command did not answer in time, or failed."});
        boost::system::error_code ec;
        auto const answer = boost::json::parse(text, ec);
        if (ec || !answer.is_object())
            return page_for(*where, &sent, nullptr, status::internal_server_error,
                            notice{"Internal server error!", "The command's answer is not JSON."});
        return page_for(*where, &sent, &answer.get_object());
    }

private:
    struct location {
        std::string module;                     // empty: the index
        command_info const* command = nullptr;  // null: the index or a module's page
    };

    struct notice {
        std::string_view title;
        std::string text;
    };

    std::string_view module_of(command_info const& c) const {
        return c.module.empty() ? std::string_view(ungrouped_) : c.module;
    }

    // Owned strings: a view of ungrouped_ would dangle once the page is moved.
    std::vector<std::string> module_names() const {
        std::vector<std::string> names;
        for (auto const& c : schema_->commands())
            if (std::find(names.begin(), names.end(), module_of(c)) == names.end()) names.emplace_back(module_of(c));
        return names;
    }

    // The page a path names; nullopt for an unknown module or command.
    std::optional<location> locate(std::string_view target) const {
        std::string_view path = target.substr(0, target.find('?'));
        path.remove_prefix(std::min(path.size(), root_.size() + 1)); // "/root"
        while (!path.empty() && path.front() == '/') path.remove_prefix(1);
        while (!path.empty() && path.back() == '/') path.remove_suffix(1);
        if (path.empty()) return location{};
        auto const slash = path.find('/');
        location at{detail::form_decode(path.substr(0, slash)), nullptr};
        if (std::find(modules_.begin(), modules_.end(), at.module) == modules_.end()) return std::nullopt;
        if (slash == std::string_view::npos) return at;
        auto const command = detail::form_decode(path.substr(slash + 1));
        at.command = schema_->find(command);
        if (!at.command || module_of(*at.command) != at.module) return std::nullopt;
        return at;
    }

    std::string url(std::string_view module = {}, std::string_view command = {}) const {
        std::string out = "/" + root_;
        if (!module.empty()) out.append("/").append(module);
        if (!command.empty()) out.append("/").append(command);
        return out;
    }

    std::string frame(std::string_view heading, std::string const& content) const {
        std::string title(schema_->title());
        std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\"><title>";
        detail::escape(out, heading.empty() ? title : std::string(heading) + " - " + title);
        out += "</title><style>";
        out += detail::style;
        out += "</style></head>\n<body><header><h1><a href=\"" + detail::escaped(url()) + "\">";
        detail::escape(out, title);
        out += " management interface</a></h1><p>";
        detail::escape(out, title + ' ' + std::string(schema_->version()) + " is running since " +
                                detail::time_text(since_));
        out += "</p></header>\n<nav>";
        for (auto const& m : modules_) out += "<a href=\"" + detail::escaped(url(m)) + "\">" + detail::escaped(m) + "</a>";
        out += "</nav>\n<main>";
        out += content;
        out += "</main></body></html>\n";
        return out;
    }

    // The page for a path that names nothing here (406, as mi_html answers).
    mi::http::reply problem(std::string_view what, std::string_view why) const {
        std::string content = notice_section({what, std::string(why)});
        content += "<p><a href=\"" + detail::escaped(url()) + "\">Back to the list of commands</a></p>";
        return {mi::http::beast_http::status::not_acceptable, html_type, frame(what, content)};
    }

    static std::string notice_section(notice const& n) {
        return "<section class=\"error\" id=\"problem\"><h2>" + detail::escaped(n.title) + "</h2><p>" +
               detail::escaped(n.text) + "</p></section>";
    }

    std::string command_table(std::string_view module) const {
        std::string out = "<table id=\"commands\"><tr><th>command</th><th>what it does</th></tr>";
        for (auto const& c : schema_->commands()) {
            if (!module.empty() && module_of(c) != module) continue;
            out += "<tr><td><a href=\"" + detail::escaped(url(module_of(c), c.canonical)) + "\">";
            detail::escape(out, c.canonical);
            out += "</a></td><td>";
            detail::escape(out, c.help.substr(0, c.help.find('\n')));
            out += "</td></tr>";
        }
        return out + "</table>";
    }

    // The form that was sent gets back what was typed in it; the raw form shows the params that were sent.
    std::string forms(command_info const& c, detail::submission const* sent) const {
        std::string const action = detail::escaped(url(module_of(c), c.canonical));
        std::string const method = post_forms_ ? "post" : "get";
        std::string out;
        for (std::size_t i = 0; i < c.recipes.size(); ++i) {
            auto const& recipe = c.recipes[i];
            std::string const id = "recipe-" + std::to_string(i);
            out += "<form method=\"" + method + "\" action=\"" + action + "\" id=\"" + id + "\"><fieldset><legend>";
            if (recipe.params.empty()) {
                out += "Without parameters";
            } else {
                out += "With ";
                for (std::size_t k = 0; k < recipe.params.size(); ++k) {
                    if (k) out += ", ";
                    detail::escape(out, recipe.params[k].name);
                }
            }
            out += "</legend><input type=\"hidden\" name=\"recipe\" value=\"" + std::to_string(i) + "\">";
            for (auto const& p : recipe.params) {
                std::string const field_id = id + '-' + detail::escaped(p.name);
                out += "<label for=\"" + field_id + "\">";
                detail::escape(out, p.name);
                out += " <small>";
                detail::escape(out, p.schema ? detail::type_words(p.schema()) : "any");
                out += p.required ? ", required" : ", optional";
                out += "</small></label><input type=\"text\" id=\"" + field_id + "\" name=\"param.";
                detail::escape(out, p.name);
                out += "\"";
                if (sent && sent->recipe == i)
                    if (auto const typed = detail::field(sent->typed, p.name))
                        out += " value=\"" + detail::escaped(*typed) + "\"";
                out += ">";
            }
            out += "<button type=\"submit\">Run</button></fieldset></form>";
        }
        out += "<form method=\"" + method + "\" action=\"" + action +
               "\" id=\"raw\"><fieldset><legend>With the params as JSON (an array or an object)</legend>"
               "<label for=\"arg\">arg</label><input type=\"text\" id=\"arg\" name=\"arg\"";
        if (sent && !sent->arg.empty()) out += " value=\"" + detail::escaped(sent->arg) + "\"";
        else if (sent && !sent->params.is_null()) out += " value=\"" + detail::escaped(boost::json::serialize(sent->params)) + "\"";
        out += "><button type=\"submit\">Run</button></fieldset></form>";
        return out;
    }

    static std::string answer_section(boost::json::object const& answer) {
        std::string out;
        auto const parts = jsonrpc::read_response(answer);
        if (parts.error) {
            auto const e = jsonrpc::error_of(*parts.error, static_cast<int>(errc::internal_error));
            out += "<section class=\"error\" id=\"result\"><h2>Error " + std::to_string(e.code) + ": ";
            detail::escape(out, e.message);
            out += "</h2>";
            if (!e.data.empty()) out += "<p id=\"error-data\">" + detail::escaped(e.data) + "</p>";
            out += "<pre id=\"result-json\">";
            std::string json;
            detail::indented(json, *parts.error);
            detail::escape(out, json);
            return out + "</pre></section>";
        }
        out += "<section class=\"ok\" id=\"result\"><h2>Result</h2><pre id=\"result-json\">";
        std::string json;
        if (parts.result) detail::indented(json, *parts.result);
        detail::escape(out, json);
        return out + "</pre></section>";
    }

    mi::http::reply page_for(location const& at, detail::submission const* sent = nullptr, boost::json::object const* answer = nullptr,
                             mi::http::beast_http::status status = mi::http::beast_http::status::ok,
                             std::optional<notice> const& warning = {}) const {
        if (!at.command) {
            std::string content = "<h2>";
            detail::escape(content, at.module.empty() ? std::string_view("Commands") : std::string_view(at.module));
            content += "</h2>" + command_table(at.module);
            return {status, html_type, frame(at.module, content)};
        }
        auto const& c = *at.command;
        std::string content = "<h2 id=\"command\">";
        detail::escape(content, c.canonical);
        content += "</h2><p class=\"help\" id=\"help\">";
        detail::escape(content, c.help);
        content += "</p>";
        if (!c.aliases.empty()) {
            content += "<p>Also known as: ";
            for (std::size_t i = 0; i < c.aliases.size(); ++i) content += (i ? ", " : "") + detail::escaped(c.aliases[i]);
            content += "</p>";
        }
        if (warning) content += notice_section(*warning);
        if (answer) content += answer_section(*answer);
        content += forms(c, sent);
        return {status, html_type, frame(c.canonical, content)};
    }

    static constexpr std::string_view html_type = "text/html; charset=utf-8";

    introspection const* schema_;
    std::string root_;
    bool post_forms_;
    std::string ungrouped_;
    std::vector<std::string> modules_; // in the order their first commands come
    std::chrono::system_clock::time_point since_;
};

static_assert(mi::http::endpoint<page>);

} // namespace mi::html
