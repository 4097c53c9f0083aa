# Compile-fail cases, included by tests/compile_fail/CMakeLists.txt.
# One line per `#if CASE_NAME ... #endif` block in cases.cpp:
#
#   mi_compile_fail(CASE_NAME "regex of the static_assert text")
#
# e.g. mi_compile_fail(CASE_UNDESCRIBED_PARAMS "mi: .* must be described with BOOST_DESCRIBE_STRUCT")
# The case passes only if building cf_CASE_NAME prints text matching the regex.
# CASE_CONTROL is reserved for the positive control, which must compile.
