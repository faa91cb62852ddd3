# SPDX-License-Identifier: Apache-2.0
sandbox_add_test(tst_requestlogmodel ui LIBRARIES sandbox_ui)
