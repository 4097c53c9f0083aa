#include <mi/mi.hpp>
int main() { return 0; }
