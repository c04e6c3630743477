#include "core/engine/planned_record.h"

namespace zra {

int compare_modify_time(const std::string& a, const std::string& b) {
  // Seconds part first, then the fraction digits (absent fraction = 0), so ".5Z" sorts after "Z".
  int c = a.compare(0, 19, b, 0, 19);
  if (c != 0) return c < 0 ? -1 : 1;
  auto fraction = [](const std::string& s) {
    std::string f;
    if (s.size() > 19 && s[19] == '.') {
      for (size_t i = 20; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) f += s[i];
    }
    f.resize(9, '0');
    return f;
  };
  int f = fraction(a).compare(fraction(b));
  return f < 0 ? -1 : (f > 0 ? 1 : 0);
}

}  // namespace zra
