// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mi::detail {

constexpr std::uint32_t name_hash(std::string_view s) noexcept {
    std::uint32_t h = 2166136261u; // FNV-1a
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h;
}

inline constexpr std::uint16_t no_command = 0xFFFF;

// What a method name resolves to: one command, or several (ambiguous: `ambiguous` indexes their list).
struct resolution {
    std::uint16_t command = no_command;
    std::uint16_t ambiguous_first = 0;
    std::uint16_t ambiguous_count = 0;
};

// The names of a command set as the lookup rules see them.
struct name_entry {
    std::string_view canonical;
    std::string_view local; // the part after "module:", or the whole name in a flat set
    bool in_module;
};

/** Every string that resolves to something, and what it resolves to, computed at compile time from the
    command set; at run time one hash, a probe or two, and one string compare confirm a hit. The names are
    offsets into one block of text rather than pointers, so the table is plain bytes: a position-independent
    program needs no relocation of it at load time. */
template <std::size_t Commands, std::size_t Aliases, bool Modules, std::size_t TextSize>
struct method_table {
    // every canonical name, in a set of modules every local name too, and every alias
    static constexpr std::size_t max_keys = (Modules ? 2 : 1) * Commands + Aliases;
    static constexpr std::size_t slot_count = std::bit_ceil(2 * max_keys + 2);

    struct slot {
        std::uint32_t hash = 0;
        std::uint16_t key = no_command;
    };

    struct text_span {
        std::uint32_t offset = 0;
        std::uint32_t size = 0;
    };

    // the canonical names, then the aliases; a local name is the end of its canonical name
    std::array<char, TextSize> text{};
    // the first `Commands` keys are the canonical names, in the commands' order
    std::array<text_span, max_keys> keys{};
    std::array<text_span, Aliases> alias_names{}; // every alias, command after command
    std::array<resolution, max_keys> resolutions{};
    // The candidates of ambiguous keys. A command is a candidate for one key at most (its local name) and so is
    // an alias, which bounds the list by the names, not by keys times commands.
    std::array<std::uint16_t, Commands + Aliases> ambiguous{};
    std::array<slot, slot_count> slots{};
    std::size_t key_count = 0;
    std::size_t ambiguous_size = 0;
    bool duplicate_name = false;

    struct alias_entry {
        std::string_view name;
        std::uint16_t command;
    };

    constexpr std::string_view text_of(text_span at) const noexcept { return {text.data() + at.offset, at.size}; }

    constexpr std::string_view key(std::size_t k) const noexcept { return text_of(keys[k]); }

    /** The canonical name of the command at `index`. */
    constexpr std::string_view canonical(std::size_t index) const noexcept { return key(index); }

    /** The alias at `index` of all aliases, command after command. */
    constexpr std::string_view alias(std::size_t index) const noexcept { return text_of(alias_names[index]); }

    constexpr method_table(std::array<name_entry, Commands> const& names,
                           std::array<alias_entry, Aliases> const& aliases) {
        std::size_t used = 0;
        auto store = [&](std::string_view s) {
            text_span const at{static_cast<std::uint32_t>(used), static_cast<std::uint32_t>(s.size())};
            for (char c : s) text[used++] = c;
            return at;
        };
        auto add_key = [&](text_span at) {
            for (std::size_t i = 0; i < key_count; ++i)
                if (key(i) == text_of(at)) return;
            keys[key_count++] = at;
        };
        // Stored one by one, so that a duplicate canonical name still leaves command i at key i.
        for (auto const& n : names) keys[key_count++] = store(n.canonical);
        if (Modules)
            for (std::size_t i = 0; i < Commands; ++i) {
                auto const size = static_cast<std::uint32_t>(names[i].local.size());
                add_key({keys[i].offset + keys[i].size - size, size});
            }
        for (std::size_t i = 0; i < Aliases; ++i) add_key(alias_names[i] = store(aliases[i].name));

        // in a flat set an alias must not be another command's name
        if (!Modules)
            for (auto const& a : aliases)
                for (std::size_t i = 0; i < Commands; ++i)
                    if (names[i].canonical == a.name && i != a.command) duplicate_name = true;

        // A canonical name is its own command; only the other keys need the rules.
        for (std::size_t k = 0; k < key_count; ++k)
            resolutions[k] =
                k < Commands ? resolution{static_cast<std::uint16_t>(k), 0, 0} : resolve(key(k), names, aliases);

        // Every key but a canonical name was added once, so two equal keys are two commands of one name. Found
        // while hashing, so that a set of many commands costs the compiler no comparison of every pair.
        for (std::size_t k = 0; k < key_count; ++k) {
            auto const h = name_hash(key(k));
            for (std::size_t at = h & (slot_count - 1);; at = (at + 1) & (slot_count - 1)) {
                if (slots[at].key == no_command) {
                    slots[at] = {h, static_cast<std::uint16_t>(k)};
                    break;
                }
                if (slots[at].hash == h && key(slots[at].key) == key(k)) duplicate_name = true;
            }
        }
    }

    constexpr resolution find(std::string_view name) const noexcept {
        auto const h = name_hash(name);
        for (std::size_t at = h & (slot_count - 1);; at = (at + 1) & (slot_count - 1)) {
            auto const& s = slots[at];
            if (s.key == no_command) return {};
            if (s.hash == h && key(s.key) == name) return resolutions[s.key];
        }
    }

private:
    // The OpenSIPS rules (spec 4.1, 4.2): a flat set matches names exactly; a set of modules matches
    // "module:name" exactly, then a bare name by its local part, then by alias; a tie is ambiguous.
    constexpr resolution resolve(std::string_view wanted, std::array<name_entry, Commands> const& names,
                                 std::array<alias_entry, Aliases> const& aliases) {
        std::array<std::uint16_t, Commands> found{};
        std::size_t count = 0;
        auto note = [&](std::size_t command) {
            for (std::size_t i = 0; i < count; ++i)
                if (found[i] == command) return;
            found[count++] = static_cast<std::uint16_t>(command);
        };
        auto by_alias = [&] {
            for (auto const& a : aliases)
                if (a.name == wanted) note(a.command);
        };
        bool const qualified = wanted.find(':') != std::string_view::npos;
        for (std::size_t i = 0; i < Commands; ++i)
            if (names[i].canonical == wanted) return {static_cast<std::uint16_t>(i), 0, 0};
        if (Modules && !qualified)
            for (std::size_t i = 0; i < Commands; ++i)
                if (names[i].in_module && names[i].local == wanted) note(i);
        if (count == 0) by_alias();
        if (count == 1) return {found[0], 0, 0};
        resolution r{no_command, static_cast<std::uint16_t>(ambiguous_size), static_cast<std::uint16_t>(count)};
        for (std::size_t i = 0; i < count; ++i) ambiguous[ambiguous_size++] = found[i];
        return r;
    }
};

} // namespace mi::detail
