// Number text as Java prints it (Double.toString / Float.toString), so that
// convert(x, 'string') and logs read as they do in Siddhi: 1.0, 1.0E10, 1.0E-4.
#pragma once

#include <string>

namespace eddy::runtime {

std::string FormatJavaDouble(double v);
std::string FormatJavaFloat(float v);

}  // namespace eddy::runtime
