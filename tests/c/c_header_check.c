/* Compiled as C (not C++): the C interface header must be valid C. */
#include "eddy/eddy.h"

int main(void) {
  char error[256];
  eddy_app* app = eddy_compile("define stream S (a int);\nfrom S select a insert into O;", "check.siddhiql", 1,
                               error, sizeof error);
  if (app == NULL) return 1;
  eddy_batch* in = eddy_batch_new(app, "S", error, sizeof error);
  if (in == NULL || eddy_batch_add(in, 1) != 0 || eddy_batch_set_int(in, 0, 7) != 0) return 2;
  if (eddy_batch_send(in, error, sizeof error) != 0) return 3;
  eddy_batch_free(in);
  eddy_free(app);
  return 0;
}
