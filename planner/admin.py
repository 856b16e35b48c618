from django.contrib import admin

from planner.models import (
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
)


class ReadOnly:
    """The admin is for looking. Changes go through the app, where every write is
    validated, version-checked, recorded in the history and, for members, keeps the last
    owner; an admin form would bypass all of that."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(ReadOnly, admin.TabularInline):
    model = Membership
    extra = 0


class SegmentInline(ReadOnly, admin.TabularInline):
    model = Segment
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "slug", "target_ratio", "fiscal_year_start_month", "reports_to"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline, SegmentInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]


@admin.register(HeadcountSnapshot)
class HeadcountSnapshotAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["organization", "quarter", "sales", "customer_success", "other"]
    list_filter = ["organization"]
    list_select_related = ["organization"]


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "organization", "role", "start_quarter", "end_quarter"]
    list_filter = ["organization", "role"]
    list_select_related = ["organization"]


@admin.register(PlannedHire)
class PlannedHireAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["organization", "role", "target_quarter", "status", "annual_cost"]
    list_filter = ["organization", "status", "role"]
    list_select_related = ["organization"]
