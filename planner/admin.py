from django.contrib import admin

from planner.models import (
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class SegmentInline(admin.TabularInline):
    model = Segment
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "target_ratio", "fiscal_year_start_month", "reports_to"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, SegmentInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]


@admin.register(HeadcountSnapshot)
class HeadcountSnapshotAdmin(admin.ModelAdmin):
    list_display = ["organization", "quarter", "sales", "customer_success", "other"]
    list_filter = ["organization"]
    list_select_related = ["organization"]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "role", "start_quarter", "end_quarter"]
    list_filter = ["organization", "role"]
    list_select_related = ["organization"]


@admin.register(PlannedHire)
class PlannedHireAdmin(admin.ModelAdmin):
    list_display = ["organization", "role", "target_quarter", "status", "annual_cost"]
    list_filter = ["organization", "status", "role"]
    list_select_related = ["organization"]
