"""Names and introspection data of the StatusNotifierItem and dbusmenu D-Bus interfaces."""

__all__ = [
    "DBUSMENU",
    "INTROSPECTION",
    "ITEM",
    "ITEM_PATH",
    "MENU_PATH",
    "PEER",
    "PROPERTIES",
    "WATCHER",
    "WATCHER_PATH",
]

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
ITEM_PATH = "/StatusNotifierItem"
DBUSMENU = "com.canonical.dbusmenu"
MENU_PATH = "/MenuBar"
PROPERTIES = "org.freedesktop.DBus.Properties"
PEER = "org.freedesktop.DBus.Peer"

_ITEM_XML = """<interface name="org.kde.StatusNotifierItem">
 <property name="Category" type="s" access="read"/>
 <property name="Id" type="s" access="read"/>
 <property name="Title" type="s" access="read"/>
 <property name="Status" type="s" access="read"/>
 <property name="WindowId" type="i" access="read"/>
 <property name="IconThemePath" type="s" access="read"/>
 <property name="Menu" type="o" access="read"/>
 <property name="ItemIsMenu" type="b" access="read"/>
 <property name="IconName" type="s" access="read"/>
 <property name="IconPixmap" type="a(iiay)" access="read"/>
 <property name="IconAccessibleDesc" type="s" access="read"/>
 <property name="OverlayIconName" type="s" access="read"/>
 <property name="OverlayIconPixmap" type="a(iiay)" access="read"/>
 <property name="AttentionIconName" type="s" access="read"/>
 <property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
 <property name="AttentionAccessibleDesc" type="s" access="read"/>
 <property name="AttentionMovieName" type="s" access="read"/>
 <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
 <method name="ContextMenu"><arg name="x" type="i"/><arg name="y" type="i"/></method>
 <method name="Activate"><arg name="x" type="i"/><arg name="y" type="i"/></method>
 <method name="SecondaryActivate"><arg name="x" type="i"/><arg name="y" type="i"/></method>
 <method name="Scroll"><arg name="delta" type="i"/><arg name="orientation" type="s"/></method>
 <signal name="NewTitle"/>
 <signal name="NewIcon"/>
 <signal name="NewAttentionIcon"/>
 <signal name="NewOverlayIcon"/>
 <signal name="NewToolTip"/>
 <signal name="NewStatus"><arg name="status" type="s"/></signal>
 <signal name="NewIconThemePath"><arg name="icon_theme_path" type="s"/></signal>
</interface>"""

_MENU_XML = """<interface name="com.canonical.dbusmenu">
 <property name="Version" type="u" access="read"/>
 <property name="TextDirection" type="s" access="read"/>
 <property name="Status" type="s" access="read"/>
 <property name="IconThemePath" type="as" access="read"/>
 <method name="GetLayout">
  <arg type="i" name="parentId" direction="in"/>
  <arg type="i" name="recursionDepth" direction="in"/>
  <arg type="as" name="propertyNames" direction="in"/>
  <arg type="u" name="revision" direction="out"/>
  <arg type="(ia{sv}av)" name="layout" direction="out"/>
 </method>
 <method name="GetGroupProperties">
  <arg type="ai" name="ids" direction="in"/>
  <arg type="as" name="propertyNames" direction="in"/>
  <arg type="a(ia{sv})" name="properties" direction="out"/>
 </method>
 <method name="GetProperty">
  <arg type="i" name="id" direction="in"/>
  <arg type="s" name="name" direction="in"/>
  <arg type="v" name="value" direction="out"/>
 </method>
 <method name="Event">
  <arg type="i" name="id" direction="in"/>
  <arg type="s" name="eventId" direction="in"/>
  <arg type="v" name="data" direction="in"/>
  <arg type="u" name="timestamp" direction="in"/>
 </method>
 <method name="EventGroup">
  <arg type="a(isvu)" name="events" direction="in"/>
  <arg type="ai" name="idErrors" direction="out"/>
 </method>
 <method name="AboutToShow">
  <arg type="i" name="id" direction="in"/>
  <arg type="b" name="needUpdate" direction="out"/>
 </method>
 <method name="AboutToShowGroup">
  <arg type="ai" name="ids" direction="in"/>
  <arg type="ai" name="updatesNeeded" direction="out"/>
  <arg type="ai" name="idErrors" direction="out"/>
 </method>
 <signal name="ItemsPropertiesUpdated">
  <arg type="a(ia{sv})" name="updatedProps"/>
  <arg type="a(ias)" name="removedProps"/>
 </signal>
 <signal name="LayoutUpdated">
  <arg type="u" name="revision"/>
  <arg type="i" name="parent"/>
 </signal>
 <signal name="ItemActivationRequested">
  <arg type="i" name="id"/>
  <arg type="u" name="timestamp"/>
 </signal>
</interface>"""

_COMMON_XML = """<interface name="org.freedesktop.DBus.Introspectable">
 <method name="Introspect"><arg type="s" name="xml" direction="out"/></method>
</interface>
<interface name="org.freedesktop.DBus.Properties">
 <signal name="PropertiesChanged">
  <arg type="s" name="interface"/>
  <arg type="a{sv}" name="changed"/>
  <arg type="as" name="invalidated"/>
 </signal>
 <method name="Get">
  <arg type="s" name="interface" direction="in"/>
  <arg type="s" name="name" direction="in"/>
  <arg type="v" name="value" direction="out"/>
 </method>
 <method name="GetAll">
  <arg type="s" name="interface" direction="in"/>
  <arg type="a{sv}" name="properties" direction="out"/>
 </method>
</interface>
<interface name="org.freedesktop.DBus.Peer">
 <method name="Ping"/>
</interface>"""

_DOCTYPE = (
    '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n'
    ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n'
)

INTROSPECTION = {
    ITEM_PATH: f"{_DOCTYPE}<node>\n{_ITEM_XML}\n{_COMMON_XML}\n</node>\n",
    MENU_PATH: f"{_DOCTYPE}<node>\n{_MENU_XML}\n{_COMMON_XML}\n</node>\n",
    "/": f'{_DOCTYPE}<node>\n<node name="StatusNotifierItem"/>\n<node name="MenuBar"/>\n</node>\n',
}
