/* Channel names, globs and the selection list. */
#include "channel_select.h"
#include "check.h"

int main(void)
{
    pv_channel_list list = {0};

    CHECK(pv_channel_name_valid("ch000"));
    CHECK(pv_channel_name_valid("A.b-c_d"));
    CHECK(pv_channel_name_valid("9"));
    CHECK(!pv_channel_name_valid(""));
    CHECK(!pv_channel_name_valid(".hidden"));
    CHECK(!pv_channel_name_valid("-x"));
    CHECK(!pv_channel_name_valid("a/b"));
    CHECK(!pv_channel_name_valid(".."));
    CHECK(!pv_channel_name_valid("a..b"));
    CHECK(!pv_channel_name_valid("/etc"));
    CHECK(!pv_channel_name_valid("%2e%2e"));
    CHECK(!pv_channel_name_valid("a b"));
    CHECK(!pv_channel_name_valid(NULL));
    {
        char longname[PV_CHANNEL_NAME_MAX + 2];
        memset(longname, 'a', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = '\0';
        CHECK(!pv_channel_name_valid(longname));
        longname[PV_CHANNEL_NAME_MAX] = '\0';
        CHECK(pv_channel_name_valid(longname));
    }

    CHECK(pv_channel_glob_match("ch0*", "ch000"));
    CHECK(pv_channel_glob_match("ch00?", "ch001"));
    CHECK(pv_channel_glob_match("ch00[12]", "ch002"));
    CHECK(!pv_channel_glob_match("ch00[12]", "ch003"));
    CHECK(!pv_channel_glob_match("ch1*", "ch000"));
    CHECK(pv_channel_glob_match("*", "x"));

    CHECK_INT_EQ(pv_channel_list_add(&list, "b"), 0);
    CHECK_INT_EQ(pv_channel_list_add(&list, "a"), 0);
    CHECK_INT_EQ(pv_channel_list_add(&list, "b"), 0);
    CHECK_INT_EQ(list.count, 2);
    CHECK_STR_EQ(list.names[0], "b");
    CHECK_STR_EQ(list.names[1], "a");
    pv_channel_list_remove(&list, "b");
    CHECK_INT_EQ(list.count, 1);
    CHECK_STR_EQ(list.names[0], "a");
    CHECK(!pv_channel_list_has(&list, "b"));
    pv_channel_list_free(&list);
    CHECK_INT_EQ(list.count, 0);
    return check_report();
}
