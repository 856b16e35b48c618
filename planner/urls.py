from django.urls import include, path

from planner.views import (
    accounts,
    compare,
    gap,
    headcount,
    headcount_forecast,
    headcount_import,
    headcount_paste,
    hire_batches,
    hires,
    history,
    invitations,
    language,
    members,
    organizations,
    roadmap,
    rules_page,
    scenarios,
    segments,
    summary,
    team,
)

org = "o/<slug:slug>/"

urlpatterns = [
    # Accounts: Django's login, logout, password change and reset; sign-up, the user's own
    # account page and confirming an e-mail address.
    path(
        "accounts/login/",
        accounts.LoginView.as_view(),
        name="login",
    ),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/account/", accounts.account, name="account"),
    path(
        "accounts/confirm-email/",
        accounts.email_confirmation_send,
        name="email_confirmation_send",
    ),
    path("accounts/confirm-email/<str:token>/", accounts.email_confirm, name="email_confirm"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # How the recommendations work: the rules, public, and the article they restate
    path("rules/", rules_page.rules, name="rules"),
    # The language switcher in every page's header
    path("language/", language.language_set, name="language_set"),
    path("rules/source-article.txt", rules_page.rules_source, name="rules_source"),
    # The user's organizations
    path("", organizations.home, name="home"),
    path("orgs/new/", organizations.organization_create, name="organization_create"),
    # Gap view (an organization's home page)
    path(org, gap.gap, name="gap"),
    # Organization settings and segments
    path(f"{org}settings/", organizations.organization_settings, name="organization_settings"),
    path(f"{org}settings/costs/", organizations.role_costs, name="role_costs"),
    path(f"{org}segments/add/", segments.segment_create, name="segment_create"),
    path(f"{org}segments/<int:pk>/", segments.segment_update, name="segment_update"),
    path(f"{org}segments/<int:pk>/delete/", segments.segment_delete, name="segment_delete"),
    # Headcount per quarter
    path(f"{org}headcount/", headcount.headcount, name="headcount"),
    path(f"{org}headcount/add/", headcount.snapshot_add, name="snapshot_add"),
    path(f"{org}headcount/paste/", headcount_paste.snapshots_paste, name="snapshots_paste"),
    path(f"{org}headcount/<int:pk>/", headcount.snapshot_update, name="snapshot_update"),
    path(f"{org}headcount/<int:pk>/delete/", headcount.snapshot_delete, name="snapshot_delete"),
    # Headcount from a CSV or Excel file: upload and preview, apply, the template to fill in
    path(
        f"{org}headcount/import/",
        headcount_import.headcount_import,
        name="headcount_import",
    ),
    path(
        f"{org}headcount/import/apply/",
        headcount_import.headcount_import_apply,
        name="headcount_import_apply",
    ),
    path(
        f"{org}headcount/import/template.csv",
        headcount_import.headcount_import_template_csv,
        name="headcount_import_template_csv",
    ),
    path(
        f"{org}headcount/import/template.xlsx",
        headcount_import.headcount_import_template_xlsx,
        name="headcount_import_template_xlsx",
    ),
    # Headcount of coming quarters from a growth rate or a target: form and preview, apply
    path(
        f"{org}headcount/forecast/",
        headcount_forecast.headcount_forecast,
        name="headcount_forecast",
    ),
    path(
        f"{org}headcount/forecast/apply/",
        headcount_forecast.headcount_forecast_apply,
        name="headcount_forecast_apply",
    ),
    # Team in seat and planned hires
    path(f"{org}team/", team.team, name="team"),
    path(f"{org}team/add/", team.team_member_create, name="team_member_create"),
    path(f"{org}team/<int:pk>/", team.team_member_update, name="team_member_update"),
    path(f"{org}team/<int:pk>/delete/", team.team_member_delete, name="team_member_delete"),
    path(f"{org}hires/add/", hires.hire_create, name="hire_create"),
    path(f"{org}hires/plan/", hire_batches.hires_plan, name="hires_plan"),
    path(f"{org}hires/status/", hire_batches.hires_set_status, name="hires_set_status"),
    path(f"{org}hires/<int:pk>/", hires.hire_update, name="hire_update"),
    path(f"{org}hires/<int:pk>/delete/", hires.hire_delete, name="hire_delete"),
    path(f"{org}hires/<int:pk>/hired/", hires.hire_mark_hired, name="hire_mark_hired"),
    # Roadmap and its CSV and Excel exports
    path(f"{org}roadmap/", roadmap.roadmap, name="roadmap"),
    path(f"{org}roadmap.csv", roadmap.roadmap_csv, name="roadmap_csv"),
    path(f"{org}roadmap.xlsx", roadmap.roadmap_xlsx, name="roadmap_xlsx"),
    # Scenarios beside the plan, and two or three of them compared side by side
    path(f"{org}scenarios/", scenarios.scenarios, name="scenarios"),
    path(f"{org}scenarios/<int:pk>/", scenarios.scenario_update, name="scenario_update"),
    path(
        f"{org}scenarios/<int:pk>/duplicate/",
        scenarios.scenario_duplicate,
        name="scenario_duplicate",
    ),
    path(f"{org}scenarios/<int:pk>/delete/", scenarios.scenario_delete, name="scenario_delete"),
    path(f"{org}scenarios/<int:pk>/promote/", scenarios.scenario_promote, name="scenario_promote"),
    path(f"{org}compare/", compare.compare_view, name="compare"),
    path(f"{org}compare.csv", compare.compare_csv, name="compare_csv"),
    path(f"{org}compare.xlsx", compare.compare_xlsx, name="compare_xlsx"),
    # The leadership summary, and read-only links to it for people who are not members
    path(f"{org}summary/", summary.summary, name="summary"),
    path(f"{org}share-links/add/", summary.share_link_create, name="share_link_create"),
    path(
        f"{org}share-links/<int:pk>/revoke/",
        summary.share_link_revoke,
        name="share_link_revoke",
    ),
    path("s/<str:token>/", summary.shared_summary, name="shared_summary"),
    # Change history
    path(f"{org}history/", history.history, name="history"),
    # Members and invitations
    path(f"{org}members/", members.members, name="members"),
    path(f"{org}members/invite/", members.member_invite, name="member_invite"),
    path(f"{org}members/<int:pk>/", members.member_update, name="member_update"),
    path(f"{org}members/<int:pk>/remove/", members.member_remove, name="member_remove"),
    path(f"{org}members/leave/", members.member_leave, name="member_leave"),
    path(f"{org}invitations/<int:pk>/revoke/", members.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
]
