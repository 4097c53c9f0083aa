# Compile-fail cases, included by tests/compile_fail/CMakeLists.txt.
# One line per `#if CASE_NAME ... #endif` block in cases.cpp:
#
#   mi_compile_fail(CASE_NAME "regex of the static_assert text")
#
# The case passes only if building cf_CASE_NAME prints text matching the regex.
# CASE_CONTROL is reserved for the positive control, which must compile.

# design.md "Compile-time checks"
mi_compile_fail(CASE_ARITY "mi: the recipe lists a different number of parameter names than its handler has JSON parameters")
mi_compile_fail(CASE_ARITY_TOO_MANY "mi: the recipe lists a different number of parameter names than its handler has JSON parameters")
mi_compile_fail(CASE_DUPLICATE_PARAM "mi: the same parameter name appears twice in one recipe")
mi_compile_fail(CASE_DUPLICATE_COMMAND "mi: two commands in one set have the same name")
mi_compile_fail(CASE_ALIAS_CLASH "mi: two commands in one set have the same name \\(or an alias equals another command's name\\)")
mi_compile_fail(CASE_DUPLICATE_IN_MODULE "mi: two commands in one set have the same name")
mi_compile_fail(CASE_INDISTINGUISHABLE "mi: two recipes of this command accept the same parameter names, so no request could tell them apart")
mi_compile_fail(CASE_TWO_EMPTY_RECIPES "mi: two recipes of this command accept the same parameter names, so no request could tell them apart")
mi_compile_fail(CASE_UNBINDABLE_PARAM "mi: a parameter type cannot be bound from JSON")
mi_compile_fail(CASE_UNWRITABLE_RESULT "mi: a handler's result type cannot be written as JSON")
mi_compile_fail(CASE_EMPTY_NAME "mi: a command name must be a non-empty identifier")
mi_compile_fail(CASE_BAD_NAME "mi: a command name must be a non-empty identifier")
mi_compile_fail(CASE_NAME_WITH_COLON "mi: a command name must be a non-empty identifier")

# further mistakes the library catches
mi_compile_fail(CASE_BAD_MODULE "mi: a module name must be a non-empty identifier")
mi_compile_fail(CASE_BAD_ALIAS "mi: an alias must be a non-empty identifier")
mi_compile_fail(CASE_NO_RECIPE "mi: a command needs at least one recipe")
mi_compile_fail(CASE_TOO_MANY_RECIPES "mi: a command has at most 48 recipes \\(as in OpenSIPS\\)")
mi_compile_fail(CASE_OPTIONAL_FIRST "mi: std::optional parameters must come after the required ones in a recipe")
mi_compile_fail(CASE_ASYNC_WITHOUT_FLAG "mi: a handler that takes mi::async_reply or returns mi::async_result belongs to a command declared with mi::async")
mi_compile_fail(CASE_MIXED_MODULES "mi: a set that uses modules needs every command in a module")
mi_compile_fail(CASE_MISSING_OBJECT "mi: a recipe's handler is a member function of a class no object of which was given to the dispatcher")
mi_compile_fail(CASE_NOT_A_HANDLER "mi: a recipe's handler must be a function, a member function or a lambda without captures")
mi_compile_fail(CASE_EMPTY_PARAM_NAME "mi: a parameter name must not be empty")
mi_compile_fail(CASE_TWO_PERMISSIONS "mi: a command takes one permission for its recipes")
mi_compile_fail(CASE_STATISTICS_NOT_DESCRIBED "mi: a statistics group is a struct described with BOOST_DESCRIBE_STRUCT")
mi_compile_fail(CASE_STATISTICS_BAD_MEMBER "mi: a statistics group has only mi::counter and mi::gauge public members")
mi_compile_fail(CASE_EVENT_BAD_NAME "mi: an event name is a non-empty identifier")
mi_compile_fail(CASE_EVENT_UNWRITABLE "mi: an event's payload cannot be written as JSON params")
mi_compile_fail(CASE_EVENT_TWICE "mi: two events of an event set have one name")
mi_compile_fail(CASE_EVENT_UNKNOWN "mi: no event of this name is declared")
mi_compile_fail(CASE_EVENT_WRONG_PAYLOAD "mi: raise takes the event's payload")
mi_compile_fail(CASE_EVENT_NO_PAYLOAD "mi: this event carries no payload\\; raise it with no argument")
