<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>GridWindow</name>
    <message>
        <location filename="../../console/ui/demo.py" line="26"/>
        <source>videowall — simulated site</source>
        <translation>videowall — 模拟站点</translation>
    </message>
    <message>
        <location filename="../../console/ui/demo.py" line="53"/>
        <source>%1 tiles · %2 live · %3 lost · renderer: %4</source>
        <translation>%1 个画面 · %2 个在线 · %3 个丢失 · 渲染：%4</translation>
    </message>
</context>
<context>
    <name>TileWidget</name>
    <message>
        <location filename="../../console/ui/tile.py" line="148"/>
        <source>MON %1</source>
        <translation>监视器 %1</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="169"/>
        <source>%1 fps</source>
        <translation>%1 帧/秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="171"/>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="172"/>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="173"/>
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="174"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="182"/>
        <source>SIGNAL LOST</source>
        <translation>信号丢失</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="187"/>
        <source>ERROR</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="190"/>
        <source>CONNECTING…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="193"/>
        <source>NO CAMERA</source>
        <translation>无摄像机</translation>
    </message>
    <message>
        <location filename="../../console/ui/tile.py" line="202"/>
        <source>error: %1</source>
        <translation>错误：%1</translation>
    </message>
</context>
<context>
    <name>WallAgent</name>
    <message>
        <location filename="../../console/ui/agent.py" line="44"/>
        <source>videowall — screen %1</source>
        <translation>videowall — 屏幕 %1</translation>
    </message>
</context>
</TS>
